"""Every read the dashboards make: gold tables filtered by team and date, cached, as polars frames.

Pages call only the functions here; the computations live in :mod:`dashboards.metrics`.
Reads are cached per (lakehouse, table, teams, dates) for ``TTL_SECONDS``. Access rules (a manager
sees only their team) will narrow :class:`Filters` here, so that no page can bypass them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import polars as pl
import streamlit as st

from dashboards import metrics
from pipelines import lake
from pipelines.settings import Settings

FREQUENCY = "gold.contact_frequency_daily"
HOURS = "gold.contact_hours"
SCORES = "gold.message_scores"
GOLD_TABLES = (FREQUENCY, HOURS, SCORES)
TTL_SECONDS = 300
FLAGGED_COLUMNS = [
    "sent_at", "team", "employee_token", "counterpart_token", "severity", "score",
    "categories", "rule_ids", "text_redacted",
]


@dataclass(frozen=True)
class Filters:
    """What the sidebar selected: teams (empty = all) and an inclusive event-date range."""

    teams: tuple[str, ...]
    start: date
    end: date

    def previous(self) -> Filters:
        start, end = metrics.previous_period(self.start, self.end)
        return replace(self, start=start, end=end)


@dataclass(frozen=True)
class FilterOptions:
    teams: list[str]
    first_date: date | None
    last_date: date | None


def lakehouse_uri() -> str:
    return Settings.from_env().lakehouse_uri


def missing_tables(names: tuple[str, ...] = GOLD_TABLES) -> list[str]:
    """The tables among ``names`` that do not exist yet (not cached: a new run must show up)."""
    base = lakehouse_uri()
    return [name for name in names if not lake.table_exists(name, base)]


def missing_message(missing: list[str]) -> str:
    return (
        f"No data yet: {', '.join(missing)} not found in the lakehouse. "
        "Run `vigia demo --no-serve` to build the demo lakehouse (or materialize the gold "
        "assets in Dagster), then reload this page."
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def filter_options(base: str, tables: tuple[str, ...]) -> FilterOptions:
    """Teams and the event-date span found in ``tables`` (pass the existing ones: a table that
    appears later changes the cache key)."""
    frames = [lake.scan_table(name, base).select("team", "event_date") for name in tables]
    if not frames:
        return FilterOptions([], None, None)
    both = pl.concat(frames)
    teams = both.select(pl.col("team").drop_nulls().unique()).collect()["team"]
    span = both.select(
        pl.col("event_date").min().alias("first"), pl.col("event_date").max().alias("last")
    ).collect()
    return FilterOptions(sorted(teams.to_list()), span["first"][0], span["last"][0])


def current_filter_options() -> FilterOptions:
    missing = missing_tables()
    existing = tuple(name for name in GOLD_TABLES if name not in missing)
    return filter_options(lakehouse_uri(), existing)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def read_gold(name: str, base: str, teams: tuple[str, ...], start: date, end: date) -> pl.DataFrame:
    """Rows of a gold table for the teams (empty = all) and event dates ``start..end``."""
    scan = lake.scan_table(name, base).filter(pl.col("event_date").is_between(start, end))
    if teams:
        scan = scan.filter(pl.col("team").is_in(list(teams)))
    return scan.collect()


def _read(name: str, f: Filters) -> pl.DataFrame:
    return read_gold(name, lakehouse_uri(), f.teams, f.start, f.end)


def contact_frequency(f: Filters) -> pl.DataFrame:
    """Daily pair rows with first/last contact in the local time zone."""
    tz = Settings.from_env().timezone
    return _read(FREQUENCY, f).with_columns(
        pl.col("first_contact_at", "last_contact_at").dt.convert_time_zone(tz)
    )


def contact_hours(f: Filters) -> pl.DataFrame:
    return _read(HOURS, f)


def message_scores(f: Filters) -> pl.DataFrame:
    """Flagged messages with ``sent_at`` in the local time zone, highest score first."""
    tz = Settings.from_env().timezone
    return (
        _read(SCORES, f)
        .with_columns(pl.col("sent_at").dt.convert_time_zone(tz))
        .sort(["score", "sent_at"], descending=[True, True])
    )


# Overview ---------------------------------------------------------------------------------------

def overview_kpis(f: Filters) -> dict[str, metrics.Kpi]:
    """Messages, calls, counterparts, flagged messages and after-hours share, with the previous
    period of the same length for the deltas."""
    prev = f.previous()
    current = metrics.period_totals(contact_frequency(f), contact_hours(f), _read(SCORES, f))
    prev_frames = (contact_frequency(prev), contact_hours(prev), _read(SCORES, prev))
    previous = metrics.period_totals(*prev_frames)
    return metrics.kpis(current, previous, any(frame.height for frame in prev_frames))


def daily_trend(f: Filters) -> pl.DataFrame:
    return metrics.daily_trend(contact_frequency(f), f.start, f.end)


def latest_flagged(f: Filters, limit: int = 10) -> pl.DataFrame:
    return message_scores(f).sort("sent_at", descending=True).head(limit).select(FLAGGED_COLUMNS)


# Contact frequency ------------------------------------------------------------------------------

def top_pairs(f: Filters, limit: int | None = 20) -> pl.DataFrame:
    return metrics.top_pairs(contact_frequency(f), limit)


def employees(f: Filters) -> list[str]:
    return sorted(contact_frequency(f)["employee_token"].unique().to_list())


def employee_pairs(f: Filters, employee: str) -> pl.DataFrame:
    frequency = contact_frequency(f).filter(pl.col("employee_token") == employee)
    return metrics.top_pairs(frequency, limit=None)


def employee_trend(f: Filters, employee: str) -> pl.DataFrame:
    frequency = contact_frequency(f).filter(pl.col("employee_token") == employee)
    return metrics.daily_trend(frequency, f.start, f.end)


def channel_summary(f: Filters) -> pl.DataFrame:
    return metrics.by_channel(contact_frequency(f))


# Contact timing ---------------------------------------------------------------------------------

def hour_weekday(f: Filters) -> pl.DataFrame:
    return metrics.hour_weekday_grid(contact_hours(f))


def after_hours_by_team(f: Filters) -> pl.DataFrame:
    return metrics.after_hours_by_team(contact_hours(f))


# Flagged messages -------------------------------------------------------------------------------

def flagged_categories(f: Filters) -> list[str]:
    return metrics.category_options(_read(SCORES, f))


def flagged(f: Filters, categories: list[str], severities: list[str]) -> pl.DataFrame:
    scores = metrics.filter_scores(message_scores(f), categories, severities)
    return scores.select(FLAGGED_COLUMNS)


def category_counts(flagged_messages: pl.DataFrame) -> pl.DataFrame:
    return metrics.category_counts(flagged_messages)


# Export -----------------------------------------------------------------------------------------

def to_csv(frame: pl.DataFrame) -> bytes:
    """CSV bytes for a download button; list columns become ``a;b`` strings."""
    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    flat = frame.with_columns(pl.col(name).list.join(";") for name in lists)
    return flat.write_csv().encode("utf-8")
