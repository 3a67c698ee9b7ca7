"""gold.contact_hours: contacts per local weekday x hour, per employee and day (for heatmaps)."""

from __future__ import annotations

import polars as pl

CONTACT_HOURS_SCHEMA = {
    "event_date": pl.Date,
    "team": pl.Utf8,
    "employee_token": pl.Utf8,
    "channel": pl.Utf8,
    "weekday": pl.Int8,
    "hour": pl.Int8,
    "contacts": pl.Int64,
}


def contact_hours(messages: pl.LazyFrame, calls: pl.LazyFrame, timezone: str) -> pl.DataFrame:
    """Counts of messages and calls by the business time zone's weekday (0=Monday) and hour."""
    events = pl.concat(
        [
            messages.filter(
                (pl.col("kind") == "message") & pl.col("employee_token").is_not_null()
            ).select(
                "event_date", "team", "employee_token", at="sent_at", channel=pl.lit("message")
            ),
            calls.filter(pl.col("employee_token").is_not_null()).select(
                "event_date", "team", "employee_token", at="started_at", channel=pl.lit("call")
            ),
        ]
    )
    local = pl.col("at").dt.convert_time_zone(timezone)
    return (
        events.with_columns(
            weekday=(local.dt.weekday() - 1).cast(pl.Int8), hour=local.dt.hour().cast(pl.Int8)
        )
        .group_by(["event_date", "team", "employee_token", "channel", "weekday", "hour"])
        .agg(contacts=pl.len().cast(pl.Int64))
        .collect()
        .select(list(CONTACT_HOURS_SCHEMA))
        .cast(CONTACT_HOURS_SCHEMA)
        .sort(["event_date", "team", "employee_token", "channel", "weekday", "hour"])
    )
