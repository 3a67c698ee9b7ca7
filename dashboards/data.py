"""Every read the dashboards make, cached, as polars frames; access rules are enforced here.

Pages call only this module and the ones that follow the same rules: :mod:`dashboards.records`
(message text, evidence, re-identification, access log), :mod:`dashboards.alert_queue` (alerts,
reviews) and :mod:`dashboards.checks` (data quality). Every public function takes the
:class:`Viewer` and checks its permission again, whatever the navigation showed; team-bound
viewers (managers) get only their teams' rows, whatever the sidebar says, because
:meth:`Viewer.team_scope` narrows the teams *before* the cached read (so a cache entry never
mixes viewers' scopes). Reads are cached per (lakehouse, table, teams, dates, columns) for
``TTL_SECONDS``; the computations live in :mod:`dashboards.metrics` and its siblings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import streamlit as st

from dashboards import call_metrics, exports, metrics, misconduct_metrics, network
from dashboards.roles import Viewer
from pipelines import lake
from pipelines.governance.access_policy import AccessPolicy, access_file, load_policy
from pipelines.settings import Settings

FREQUENCY = "gold.contact_frequency_daily"
TIMING = "gold.contact_timing"
SCORES = "gold.message_scores"
TREND = "gold.misconduct_trend_weekly"
CALLS = "gold.call_volume_daily"
GOLD_TABLES = (FREQUENCY, TIMING, SCORES)
TTL_SECONDS = 300
AGGREGATES = "view_aggregates"
SCORE_COUNT_COLUMNS = ("event_date", "team", "categories", "rule_ids", "severity")
TIMING_COLUMNS = (
    "event_date", "team", "weekday", "hour", "contacts", "is_business_hours", "is_weekend",
    "is_holiday",
)
FREQUENCY_COUNT_COLUMNS = (
    "event_date", "team", "employee_token", "counterpart_token", "channel", "messages_sent",
    "messages_received", "calls", "call_seconds",
)


@dataclass(frozen=True)
class Filters:
    """What the sidebar selected: teams (empty = all the viewer may see) and event dates."""

    teams: tuple[str, ...]
    start: date
    end: date

    def previous(self) -> Filters:
        start, end = metrics.previous_period(self.start, self.end)
        return replace(self, start=start, end=end)

    def describe(self) -> dict[str, object]:
        return {"teams": list(self.teams), "start": self.start, "end": self.end}


@dataclass(frozen=True)
class FilterOptions:
    teams: list[str]
    first_date: date | None
    last_date: date | None


def lakehouse_uri() -> str:
    return Settings.from_env().lakehouse_uri


def timezone() -> str:
    return Settings.from_env().timezone


@st.cache_resource(show_spinner=False, max_entries=8)
def _policy(path: str, modified: float) -> AccessPolicy:
    return load_policy(Path(path))


def access_policy() -> AccessPolicy:
    """The access file (VIGIA_ACCESS_FILE), re-read when it changes."""
    path = access_file()
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = 0.0  # load_policy says the file is missing
    return _policy(str(path), modified)


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


def current_filter_options(viewer: Viewer) -> FilterOptions:
    """The dates with data and the teams this viewer may pick."""
    missing = missing_tables()
    existing = tuple(name for name in GOLD_TABLES if name not in missing)
    options = filter_options(lakehouse_uri(), existing)
    return replace(options, teams=viewer.visible_teams(options.teams))


@st.cache_resource(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def read_gold(
    name: str,
    base: str,
    teams: tuple[str, ...] | None,
    start: date,
    end: date,
    columns: tuple[str, ...] | None = None,
    date_column: str = "event_date",
) -> pl.DataFrame:
    """Rows of a table for ``teams`` (None = every team, () = none) and ``start..end``.

    Cached as a resource, not as data: the same (immutable) polars frame is handed to every
    caller, without the pickling ``st.cache_data`` does on every hit (most of a warm page's
    time on large selections)."""
    scan = lake.scan_table(name, base).filter(pl.col(date_column).is_between(start, end))
    if teams is not None:
        scan = scan.filter(pl.col("team").is_in(list(teams)))
    if columns:
        scan = scan.select(list(columns))
    return scan.collect()


def scoped_read(
    viewer: Viewer,
    name: str,
    f: Filters,
    permission: str = AGGREGATES,
    columns: tuple[str, ...] | None = None,
    date_column: str = "event_date",
) -> pl.DataFrame:
    """The one door to the gold tables: permission checked, teams narrowed to the viewer's."""
    viewer.require(permission)
    start, end = f.start, f.end
    if date_column == "week_start":
        start = start - timedelta(days=start.weekday())
    teams = viewer.team_scope(f.teams)
    return read_gold(name, lakehouse_uri(), teams, start, end, columns, date_column)


def contact_frequency(viewer: Viewer, f: Filters) -> pl.DataFrame:
    """Daily pair rows with first/last contact in the local time zone."""
    return _local_contacts(scoped_read(viewer, FREQUENCY, f))


def _local_contacts(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("first_contact_at", "last_contact_at").dt.convert_time_zone(timezone())
    )


def frequency_counts(viewer: Viewer, f: Filters) -> pl.DataFrame:
    """Daily pair rows without the contact times (what counts and rankings need)."""
    return scoped_read(viewer, FREQUENCY, f, columns=FREQUENCY_COUNT_COLUMNS)


def contact_timing(viewer: Viewer, f: Filters) -> pl.DataFrame:
    """Contacts per day, team, local weekday and hour, with the calendar flags."""
    return scoped_read(viewer, TIMING, f, columns=TIMING_COLUMNS)


def score_counts(viewer: Viewer, f: Filters) -> pl.DataFrame:
    """Flagged messages without their text (counts, categories, rules): an aggregate."""
    return scoped_read(viewer, SCORES, f, columns=SCORE_COUNT_COLUMNS)


# Overview ---------------------------------------------------------------------------------------

def _with_previous(
    viewer: Viewer, name: str, f: Filters, columns: tuple[str, ...] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(selected period, previous period) of a table, from one read of both."""
    both = scoped_read(viewer, name, replace(f, start=f.previous().start), columns=columns)
    current = pl.col("event_date") >= f.start
    return both.filter(current), both.filter(~current)


def overview_kpis(viewer: Viewer, f: Filters) -> dict[str, metrics.Kpi]:
    """Messages, calls, counterparts, flagged messages and after-hours share, with the previous
    period of the same length for the deltas."""
    frequency = _with_previous(viewer, FREQUENCY, f, FREQUENCY_COUNT_COLUMNS)
    timing = _with_previous(viewer, TIMING, f, TIMING_COLUMNS)
    scores = _with_previous(viewer, SCORES, f, SCORE_COUNT_COLUMNS)
    current = metrics.period_totals(frequency[0], timing[0], scores[0])
    previous = metrics.period_totals(frequency[1], timing[1], scores[1])
    has_previous = any(frame.height for frame in (frequency[1], timing[1], scores[1]))
    return metrics.kpis(current, previous, has_previous)


def daily_trend(viewer: Viewer, f: Filters) -> pl.DataFrame:
    """Messages and calls per day (shares the overview's read)."""
    current, _ = _with_previous(viewer, FREQUENCY, f, FREQUENCY_COUNT_COLUMNS)
    return metrics.daily_trend(current, f.start, f.end)


# Contact frequency ------------------------------------------------------------------------------

@st.cache_resource(ttl=TTL_SECONDS, max_entries=32, show_spinner=False)
def _ranked_pairs(base: str, teams: tuple[str, ...] | None, start: date, end: date):
    """Every pair of a selection ranked once (the table, the chart and the network share it)."""
    return metrics.top_pairs(read_gold(FREQUENCY, base, teams, start, end), limit=None)


def top_pairs(viewer: Viewer, f: Filters, limit: int | None = 20) -> pl.DataFrame:
    """Pairs ranked by contacts; first/last contact in the local time zone."""
    viewer.require(AGGREGATES)
    ranked = _ranked_pairs(lakehouse_uri(), viewer.team_scope(f.teams), f.start, f.end)
    return _local_contacts(ranked.head(limit) if limit is not None else ranked)


def employees(viewer: Viewer, f: Filters) -> list[str]:
    return sorted(frequency_counts(viewer, f)["employee_token"].unique().to_list())


def employee_pairs(viewer: Viewer, f: Filters, employee: str) -> pl.DataFrame:
    frequency = scoped_read(viewer, FREQUENCY, f).filter(pl.col("employee_token") == employee)
    return _local_contacts(metrics.top_pairs(frequency, limit=None))


def employee_trend(viewer: Viewer, f: Filters, employee: str) -> pl.DataFrame:
    frequency = frequency_counts(viewer, f).filter(pl.col("employee_token") == employee)
    return metrics.daily_trend(frequency, f.start, f.end)


def channel_summary(viewer: Viewer, f: Filters) -> pl.DataFrame:
    return metrics.by_channel(frequency_counts(viewer, f))


def contact_network(
    viewer: Viewer, f: Filters, limit: int = network.MAX_EDGES
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(nodes, edges) of who talks to whom: the ``limit`` busiest pairs, laid out in rings."""
    return network.layout(top_pairs(viewer, f, limit))


# Contact timing ---------------------------------------------------------------------------------

def hour_weekday(viewer: Viewer, f: Filters) -> pl.DataFrame:
    return metrics.hour_weekday_grid(contact_timing(viewer, f))


def after_hours_by_team(viewer: Viewer, f: Filters) -> pl.DataFrame:
    return metrics.after_hours_by_team(contact_timing(viewer, f))


def after_hours_trend(viewer: Viewer, f: Filters) -> pl.DataFrame:
    return metrics.after_hours_trend(contact_timing(viewer, f))


# Misconduct trends ------------------------------------------------------------------------------

def misconduct_trend(viewer: Viewer, f: Filters) -> pl.DataFrame:
    """gold.misconduct_trend_weekly rows of the weeks the dates touch, busiest first."""
    trend = scoped_read(viewer, TREND, f, date_column="week_start")
    return trend.filter(pl.sum_horizontal(misconduct_metrics.COUNTS) > 0).sort(
        ["week_start", "flagged_messages", "category", "team"], descending=[False, True, False,
                                                                            False]
    )


def trend_by_week(viewer: Viewer, f: Filters) -> pl.DataFrame:
    return misconduct_metrics.by_week(misconduct_trend(viewer, f))


def trend_by_team(viewer: Viewer, f: Filters) -> pl.DataFrame:
    return misconduct_metrics.by_team(misconduct_trend(viewer, f))


def rules_fired(viewer: Viewer, f: Filters) -> pl.DataFrame:
    """How often each rule fired (from the flagged messages' rule ids, no text)."""
    return misconduct_metrics.rules_fired(score_counts(viewer, f))


# Calls ------------------------------------------------------------------------------------------

def call_volume(viewer: Viewer, f: Filters) -> pl.DataFrame:
    return scoped_read(viewer, CALLS, f)


def call_kpis(viewer: Viewer, f: Filters) -> dict[str, float | None]:
    return call_metrics.totals(call_volume(viewer, f))


def calls_per_day(viewer: Viewer, f: Filters) -> pl.DataFrame:
    return call_metrics.per_day(call_volume(viewer, f), f.start, f.end)


def calls_by_agent(viewer: Viewer, f: Filters) -> pl.DataFrame:
    return call_metrics.by_agent(call_volume(viewer, f))


# Export -----------------------------------------------------------------------------------------

def to_csv(frame: pl.DataFrame) -> bytes:
    """CSV bytes for a download button (list columns as ``a;b``)."""
    return exports.csv_bytes(frame)
