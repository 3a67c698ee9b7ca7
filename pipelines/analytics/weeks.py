"""ISO weeks (Monday to Sunday) named by their Monday, ``week_start``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import polars as pl


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_end(day: date) -> date:
    """The Sunday of ``day``'s ISO week."""
    return week_start(day) + timedelta(days=6)


def weeks_between(first: date, last: date) -> list[date]:
    """The Mondays of every ISO week that holds a day of ``first..last`` (inclusive)."""
    start, stop = week_start(first), week_start(last)
    return [start + timedelta(weeks=n) for n in range((stop - start).days // 7 + 1)]


def week_start_expr(day: pl.Expr) -> pl.Expr:
    """The Monday of a date column's ISO week."""
    return day.dt.truncate("1w")


def weeks_predicate(weeks: Iterable[date], column: str = "week_start") -> str:
    """A Delta predicate selecting the rows of these weeks (for a partition rewrite)."""
    listed = ", ".join(f"'{week.isoformat()}'" for week in sorted(set(weeks)))
    return f"{column} IN ({listed})"
