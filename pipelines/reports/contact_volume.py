"""The weekly contact-volume report: one ISO week (Monday-Sunday, business-local dates) against
the week before, per team and per employee (pseudonyms), from three gold tables:

- messages sent/received and counterparts: gold.contact_frequency_daily (messages with a known
  counterpart);
- calls, answered rate, average billed duration: gold.call_volume_daily;
- contacts by hour, after-hours / weekend / holiday shares: gold.contact_timing (every message and
  call of an employee; "after hours" = not ``is_business_hours``: evenings, early mornings,
  non-business days and holidays of config/calendar.yaml).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from pipelines import lake
from pipelines.analytics.call_volume import CALL_VOLUME_SCHEMA
from pipelines.analytics.contact_frequency import CONTACT_FREQUENCY_SCHEMA
from pipelines.analytics.contact_timing import CONTACT_TIMING_SCHEMA
from pipelines.analytics.weeks import week_start
from pipelines.reports import charts
from pipelines.reports.page import Report, chart_html, note, page, section, table_html

KIND = "contact_volume"
TABLES = {
    "frequency": ("gold.contact_frequency_daily", CONTACT_FREQUENCY_SCHEMA),
    "timing": ("gold.contact_timing", CONTACT_TIMING_SCHEMA),
    "calls": ("gold.call_volume_daily", CALL_VOLUME_SCHEMA),
}
READING = (
    "Messages and counterparts count messages with a known counterpart "
    "(gold.contact_frequency_daily); calls, answered rate and average billed call seconds come "
    "from gold.call_volume_daily; contacts and the after-hours, weekend and holiday figures from "
    "gold.contact_timing (every message and call of an employee). After hours means outside "
    "business hours: evenings, early mornings, non-business days and holidays "
    "(config/calendar.yaml), in the firm's time zone. change = this week - previous week."
)
SUMMARY_METRICS = (
    "employees",
    "counterparts",
    "messages_sent",
    "messages_received",
    "calls",
    "answered_rate",
    "avg_call_s",
    "contacts",
    "after_hours_share",
    "weekend_share",
    "holiday_contacts",
)


def load_weeks(base: str | None, week: date) -> dict[str, pl.DataFrame]:
    """The three tables' rows for ``week`` and the week before (empty if a table is missing)."""
    first, last = week - timedelta(days=7), week + timedelta(days=6)
    frames = {}
    for key, (name, schema) in TABLES.items():
        if lake.table_exists(name, base):
            scan = lake.scan_table(name, base).select(list(schema))
            frames[key] = scan.filter(pl.col("event_date").is_between(first, last)).collect()
        else:
            frames[key] = pl.DataFrame(schema=schema)
    return frames


def _in_week(frame: pl.DataFrame, week: date) -> pl.DataFrame:
    return frame.filter(pl.col("event_date").is_between(week, week + timedelta(days=6)))


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None)


def team_summary(
    frequency: pl.DataFrame, timing: pl.DataFrame, calls: pl.DataFrame, by: list[str]
) -> pl.DataFrame:
    """The summary metrics grouped by ``by`` (e.g. ["team"], or [] for the whole firm)."""
    group = by or [pl.lit("all").alias("_all")]
    messages = frequency.group_by(group).agg(
        counterparts=pl.col("counterpart_token").n_unique(),
        messages_sent=pl.col("messages_sent").sum(),
        messages_received=pl.col("messages_received").sum(),
    )
    phone = calls.group_by(group).agg(
        calls=pl.col("calls").sum(),
        answered=pl.col("answered").sum(),
        billed=(pl.col("avg_duration_s") * pl.col("answered")).sum(),
    )
    after = ~pl.col("is_business_hours")
    when = timing.group_by(group).agg(
        employees=pl.col("employee_token").n_unique(),
        contacts=pl.col("contacts").sum(),
        after_hours_contacts=pl.col("contacts").filter(after).sum(),
        weekend_contacts=pl.col("contacts").filter(pl.col("is_weekend")).sum(),
        holiday_contacts=pl.col("contacts").filter(pl.col("is_holiday")).sum(),
    )
    keys = by or ["_all"]
    joined = when.join(messages, on=keys, how="full", coalesce=True).join(
        phone, on=keys, how="full", coalesce=True
    )
    counts = [
        "employees",
        "counterparts",
        "messages_sent",
        "messages_received",
        "calls",
        "answered",
        "contacts",
        "after_hours_contacts",
        "weekend_contacts",
        "holiday_contacts",
    ]
    out = joined.with_columns(pl.col(counts).fill_null(0)).with_columns(
        answered_rate=_ratio(pl.col("answered"), pl.col("calls")),
        avg_call_s=_ratio(pl.col("billed"), pl.col("answered")),
        after_hours_share=_ratio(pl.col("after_hours_contacts"), pl.col("contacts")),
        weekend_share=_ratio(pl.col("weekend_contacts"), pl.col("contacts")),
    )
    columns = [*by, *SUMMARY_METRICS[:-1], "after_hours_contacts", "holiday_contacts"]
    return out.select(columns).sort(by) if by else out.select(columns)


def firm_summary(data: dict[str, pl.DataFrame], week: date) -> pl.DataFrame:
    """metric, this_week, previous_week, change (null where the previous week had no value)."""
    previous = week - timedelta(days=7)
    rows = {}
    for label, start in (("this_week", week), ("previous_week", previous)):
        frames = {key: _in_week(frame, start) for key, frame in data.items()}
        summary = team_summary(frames["frequency"], frames["timing"], frames["calls"], [])
        # a week without any row has no values (no comparison), not zeros
        has_rows = any(frame.height for frame in frames.values())
        values = summary.row(0, named=True) if has_rows and summary.height else {}
        rows[label] = [values.get(metric) for metric in SUMMARY_METRICS]
    frame = pl.DataFrame(
        {"metric": list(SUMMARY_METRICS), **rows},
        schema={"metric": pl.Utf8, "this_week": pl.Float64, "previous_week": pl.Float64},
    )
    return frame.with_columns(change=pl.col("this_week") - pl.col("previous_week"))


def daily_volume(frequency: pl.DataFrame, calls: pl.DataFrame, week: date) -> pl.DataFrame:
    """Messages and calls per day x team, every day of the week (zeros included)."""
    days = pl.DataFrame({"event_date": [week + timedelta(days=n) for n in range(7)]})
    teams = pl.concat([frequency.select("team"), calls.select("team")]).unique().drop_nulls()
    messages = frequency.group_by("event_date", "team").agg(
        messages=(pl.col("messages_sent") + pl.col("messages_received")).sum()
    )
    phone = calls.group_by("event_date", "team").agg(calls=pl.col("calls").sum())
    return (
        days.join(teams, how="cross")
        .join(messages, on=["event_date", "team"], how="left")
        .join(phone, on=["event_date", "team"], how="left")
        .with_columns(pl.col("messages", "calls").fill_null(0))
        .sort("event_date", "team")
    )


def hour_weekday(timing: pl.DataFrame) -> pl.DataFrame:
    """All 7 x 24 (weekday, hour) cells with their contacts (0 where none)."""
    grid = pl.DataFrame({"weekday": list(range(7))}, schema={"weekday": pl.Int8}).join(
        pl.DataFrame({"hour": list(range(24))}, schema={"hour": pl.Int8}), how="cross"
    )
    counts = timing.group_by("weekday", "hour").agg(pl.col("contacts").sum())
    return (
        grid.join(counts, on=["weekday", "hour"], how="left")
        .with_columns(
            pl.col("contacts").fill_null(0),
            day=pl.col("weekday").replace_strict(list(range(7)), list(charts.WEEKDAYS)),
        )
        .select("weekday", "day", "hour", "contacts")
        .sort("weekday", "hour")
    )


def employees(timing: pl.DataFrame) -> pl.DataFrame:
    """Per employee (pseudonym): contacts, after-hours and weekend contacts, most after hours
    first."""
    after = ~pl.col("is_business_hours")
    return (
        timing.group_by("team", "employee_token")
        .agg(
            contacts=pl.col("contacts").sum(),
            after_hours_contacts=pl.col("contacts").filter(after).sum(),
            weekend_contacts=pl.col("contacts").filter(pl.col("is_weekend")).sum(),
        )
        .with_columns(after_hours_share=pl.col("after_hours_contacts") / pl.col("contacts"))
        .sort(["after_hours_contacts", "employee_token"], descending=[True, False])
    )


def build_contact_volume_report(data: dict[str, pl.DataFrame], week: date) -> Report:
    """The report for the ISO week starting ``week`` (any day of it is accepted)."""
    week = week_start(week)
    current = {key: _in_week(frame, week) for key, frame in data.items()}
    tables = {
        "summary": firm_summary(data, week),
        "teams": team_summary(current["frequency"], current["timing"], current["calls"], ["team"]),
        "daily": daily_volume(current["frequency"], current["calls"], week),
        "hour_weekday": hour_weekday(current["timing"]),
        "employees": employees(current["timing"]),
    }
    end = week + timedelta(days=6)
    sections = [
        section("This week and the week before", table_html(tables["summary"])),
        section(
            "Per team",
            chart_html(
                charts.share_by(tables["teams"], "team", "after_hours_share", "After-hours share"),
                "teams-after-hours",
            ),
            table_html(tables["teams"]),
        ),
        section(
            "Per day",
            chart_html(charts.daily_volume(tables["daily"]), "daily"),
            table_html(tables["daily"]),
        ),
        section(
            "Hour x weekday (local time)",
            chart_html(charts.hour_weekday(tables["hour_weekday"]), "hour-weekday"),
            table_html(
                tables["hour_weekday"]
                .with_columns(pl.col("hour").cast(pl.Utf8))
                .pivot("hour", index="day", values="contacts", maintain_order=True)
            ),
        ),
        section(
            "Employees by after-hours contacts (pseudonyms)",
            table_html(tables["employees"], limit=20),
        ),
        section(
            "How to read it",
            note(READING),
            note("Files: " + ", ".join(f"{name}.csv" for name in tables) + "."),
        ),
    ]
    title = f"Contact volume, week of {week.isoformat()}"
    subtitle = (
        f"ISO week {week.isocalendar().week}: {week.isoformat()} to {end.isoformat()} "
        "(business-local dates). Employees appear as pseudonyms only."
    )
    return Report(KIND, week, title, page(title, subtitle, sections), tables)
