"""Pure dashboard metrics over gold frames (polars in, polars or plain values out).

No Streamlit here: :mod:`dashboards.data` reads the tables and calls these; tests call them
directly.
After hours is what gold.contact_timing flags ``not is_business_hours`` (its calendar: business
hours, weekends and national holidays). Frames without that column fall back to
``[business_start, business_end)`` local time on Monday-Friday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

BUSINESS_START = 8
BUSINESS_END = 19
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Kpi:
    """A value for the selected period and, when that period has data, the previous one."""

    value: float | None
    previous: float | None = None

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length that ends the day before ``start``."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def after_hours_expr(
    business_start: int = BUSINESS_START, business_end: int = BUSINESS_END
) -> pl.Expr:
    """True for a local (weekday, hour) outside business hours; weekday 0 = Monday."""
    hour, weekday = pl.col("hour"), pl.col("weekday")
    return (hour < business_start) | (hour >= business_end) | (weekday >= 5)


def _after_hours(
    hours: pl.DataFrame, business_start: int = BUSINESS_START, business_end: int = BUSINESS_END
) -> pl.Expr:
    """The table's own calendar flag when it has one, else the fixed business hours."""
    if "is_business_hours" in hours.columns:
        return ~pl.col("is_business_hours")
    return after_hours_expr(business_start, business_end)


def after_hours_share(
    hours: pl.DataFrame,
    business_start: int = BUSINESS_START,
    business_end: int = BUSINESS_END,
) -> float | None:
    """Share of gold.contact_timing ``contacts`` outside business hours (None if no contacts)."""
    total = hours["contacts"].sum() if hours.height else 0
    if not total:
        return None
    after = hours.filter(_after_hours(hours, business_start, business_end))["contacts"].sum()
    return after / total


def after_hours_by_team(
    hours: pl.DataFrame,
    business_start: int = BUSINESS_START,
    business_end: int = BUSINESS_END,
) -> pl.DataFrame:
    """Per team: contacts, after-hours share (evenings, early mornings, weekends), weekend share."""
    after = _after_hours(hours, business_start, business_end)
    weekend = pl.col("weekday") >= 5
    return (
        hours.group_by("team")
        .agg(
            pl.col("contacts").sum().alias("contacts"),
            pl.col("contacts").filter(after).sum().alias("after_hours"),
            pl.col("contacts").filter(weekend).sum().alias("weekend"),
        )
        .filter(pl.col("contacts") > 0)
        .with_columns(
            (pl.col("after_hours") / pl.col("contacts")).alias("after_hours_share"),
            (pl.col("weekend") / pl.col("contacts")).alias("weekend_share"),
        )
        .sort(["after_hours_share", "team"], descending=[True, False])
    )


def after_hours_trend(hours: pl.DataFrame) -> pl.DataFrame:
    """Long frame (event_date, metric, share): after-hours and weekend share of contacts per day."""
    after, weekend = _after_hours(hours), pl.col("weekday") >= 5
    return (
        hours.group_by("event_date")
        .agg(
            pl.col("contacts").sum().alias("contacts"),
            pl.col("contacts").filter(after).sum().alias("after_hours"),
            pl.col("contacts").filter(weekend).sum().alias("weekend"),
        )
        .filter(pl.col("contacts") > 0)
        .select(
            "event_date",
            (pl.col("after_hours") / pl.col("contacts")).alias("after hours"),
            (pl.col("weekend") / pl.col("contacts")).alias("weekend"),
        )
        .unpivot(index="event_date", variable_name="metric", value_name="share")
        .sort(["metric", "event_date"])
    )


def _contacts_expr() -> pl.Expr:
    return pl.col("messages_sent") + pl.col("messages_received") + pl.col("calls")


def period_totals(frequency: pl.DataFrame, hours: pl.DataFrame, scores: pl.DataFrame) -> dict:
    """The overview numbers for one period; an empty period gives zeros and a None share."""
    messages = (frequency["messages_sent"] + frequency["messages_received"]).sum()
    return {
        "messages": int(messages),
        "calls": int(frequency["calls"].sum()),
        "counterparts": frequency["counterpart_token"].n_unique(),
        "flagged": scores.height,
        "after_hours_share": after_hours_share(hours),
    }


def kpis(current: dict, previous: dict, previous_has_data: bool) -> dict[str, Kpi]:
    """Pair each current total with the previous period's (no comparison when it had no data)."""
    return {
        name: Kpi(value, previous[name] if previous_has_data else None)
        for name, value in current.items()
    }


def daily_trend(frequency: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Long frame (event_date, metric, value) of messages and calls per day, zero-filled."""
    days = pl.DataFrame({"event_date": pl.date_range(start, end, "1d", eager=True)})
    per_day = frequency.group_by("event_date").agg(
        (pl.col("messages_sent") + pl.col("messages_received")).sum().alias("messages"),
        pl.col("calls").sum().alias("calls"),
    )
    return (
        days.join(per_day, on="event_date", how="left")
        .fill_null(0)
        .unpivot(index="event_date", on=["messages", "calls"], variable_name="metric")
        .sort(["metric", "event_date"])
    )


def top_pairs(frequency: pl.DataFrame, limit: int | None = 20) -> pl.DataFrame:
    """Employee-counterpart pairs ranked by contacts (messages both ways + calls), with the
    first and last contact when the frame has the contact times."""
    times = [pl.col("first_contact_at").min(), pl.col("last_contact_at").max()]
    pairs = (
        frequency.group_by("team", "employee_token", "counterpart_token")
        .agg(
            _contacts_expr().sum().alias("contacts"),
            pl.col("messages_sent").sum(),
            pl.col("messages_received").sum(),
            pl.col("calls").sum(),
            (pl.col("call_seconds").sum() / 60).round(1).alias("call_minutes"),
            pl.col("event_date").n_unique().alias("active_days"),
            *(times if "first_contact_at" in frequency.columns else []),
        )
        .sort(["contacts", "employee_token", "counterpart_token"], descending=[True, False, False])
    )
    return pairs.head(limit) if limit is not None else pairs


def by_channel(frequency: pl.DataFrame) -> pl.DataFrame:
    """Contacts, pairs and employees per channel (message, call)."""
    return (
        frequency.group_by("channel")
        .agg(
            _contacts_expr().sum().alias("contacts"),
            pl.struct("employee_token", "counterpart_token").n_unique().alias("pairs"),
            pl.col("employee_token").n_unique().alias("employees"),
            (pl.col("call_seconds").sum() / 60).round(1).alias("call_minutes"),
        )
        .sort("channel")
    )


def hour_weekday_grid(hours: pl.DataFrame) -> pl.DataFrame:
    """All 7 x 24 (weekday, hour) cells with summed contacts (0 where none) and weekday names."""
    grid = pl.DataFrame({"weekday": list(range(7))}, schema={"weekday": pl.Int8}).join(
        pl.DataFrame({"hour": list(range(24))}, schema={"hour": pl.Int8}), how="cross"
    )
    counts = hours.group_by("weekday", "hour").agg(pl.col("contacts").sum())
    return (
        grid.join(counts, on=["weekday", "hour"], how="left")
        .with_columns(
            pl.col("contacts").fill_null(0),
            pl.col("weekday").replace_strict(list(range(7)), list(WEEKDAYS)).alias("day"),
        )
        .sort(["weekday", "hour"])
    )


def filter_scores(
    scores: pl.DataFrame, categories: list[str] | None = None, severities: list[str] | None = None
) -> pl.DataFrame:
    """Flagged messages with any of ``categories`` and one of ``severities`` (empty = all)."""
    out = scores
    if categories:
        out = out.filter(pl.col("categories").list.eval(pl.element().is_in(categories)).list.any())
    if severities:
        out = out.filter(pl.col("severity").is_in(severities))
    return out.sort(["score", "sent_at"], descending=[True, True])


def category_counts(scores: pl.DataFrame) -> pl.DataFrame:
    """Flagged messages per category (a message with two categories counts in both)."""
    return (
        scores.select(pl.col("categories").explode().alias("category"))
        .drop_nulls()
        .group_by("category")
        .len("messages")
        .sort(["messages", "category"], descending=[True, False])
    )


def category_options(scores: pl.DataFrame) -> list[str]:
    return sorted(scores["categories"].explode().drop_nulls().unique().to_list())


def format_count(value: float | None) -> str:
    return "–" if value is None else f"{int(value):,}"


def format_share(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def share_delta(kpi: Kpi) -> str | int | None:
    """A share's change in percentage points for ``st.metric`` (0 stays numeric: a grey delta)."""
    if kpi.delta is None:
        return None
    points = round(kpi.delta * 100, 1)
    return 0 if points == 0 else f"{points:+.1f} pp"
