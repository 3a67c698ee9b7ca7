"""gold.contact_timing: contacts per local weekday x hour, per employee, day and channel.

Each row carries the calendar flags of its local hour (business hours, weekend, holiday), so
after-hours and weekend shares are plain sums: ``contacts`` where ``not is_business_hours``
over all ``contacts``.
"""

from __future__ import annotations

import polars as pl

from pipelines.analytics.calendar import BusinessCalendar

CONTACT_TIMING_SCHEMA = {
    "event_date": pl.Date,
    "team": pl.Utf8,
    "employee_token": pl.Utf8,
    "channel": pl.Utf8,
    "weekday": pl.Int8,
    "hour": pl.Int8,
    "contacts": pl.Int64,
    "is_business_hours": pl.Boolean,
    "is_weekend": pl.Boolean,
    "is_holiday": pl.Boolean,
}
KEYS = ["event_date", "team", "employee_token", "channel", "weekday", "hour"]


def contact_events(messages: pl.LazyFrame, calls: pl.LazyFrame) -> pl.LazyFrame:
    """One row per message (not system lines) or call of a known employee: when, which channel."""
    return pl.concat(
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


def calendar_flags(frame: pl.DataFrame, calendar: BusinessCalendar) -> pl.DataFrame:
    """Add is_weekend, is_holiday and is_business_hours from ``local_date``, weekday and hour."""
    dates = frame.get_column("local_date").drop_nulls()
    holidays = calendar.holiday_dates(dates.min(), dates.max()) if dates.len() else []
    is_holiday = pl.col("local_date").is_in(pl.Series(holidays, dtype=pl.Date).implode())
    return frame.with_columns(
        is_weekend=pl.col("weekday") >= 5,
        is_holiday=is_holiday,
        is_business_hours=pl.col("weekday").is_in(list(calendar.business_days))
        & pl.col("hour").is_between(calendar.start_hour, calendar.end_hour, closed="left")
        & ~is_holiday,
    )


def contact_timing(
    messages: pl.LazyFrame, calls: pl.LazyFrame, timezone: str, calendar: BusinessCalendar
) -> pl.DataFrame:
    """Counts of messages and calls by the business time zone's weekday (0 = Monday) and hour,
    flagged with the calendar."""
    local = pl.col("at").dt.convert_time_zone(timezone)
    counts = (
        contact_events(messages, calls)
        .with_columns(
            weekday=(local.dt.weekday() - 1).cast(pl.Int8),
            hour=local.dt.hour().cast(pl.Int8),
            local_date=local.dt.date(),
        )
        # local_date is fixed by event_date and weekday: grouping by it adds no rows
        .group_by([*KEYS, "local_date"])
        .agg(contacts=pl.len().cast(pl.Int64))
        .collect()
    )
    return (
        calendar_flags(counts, calendar)
        .select(list(CONTACT_TIMING_SCHEMA))
        .cast(CONTACT_TIMING_SCHEMA)
        .sort(KEYS)
    )
