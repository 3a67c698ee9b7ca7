"""gold.contact_frequency_daily: how often each employee and counterpart talk, per day."""

from __future__ import annotations

import polars as pl

CONTACT_FREQUENCY_SCHEMA = {
    "event_date": pl.Date,
    "team": pl.Utf8,
    "employee_token": pl.Utf8,
    "counterpart_token": pl.Utf8,
    "channel": pl.Utf8,
    "messages_sent": pl.Int64,
    "messages_received": pl.Int64,
    "calls": pl.Int64,
    "call_seconds": pl.Int64,
    "first_contact_at": pl.Datetime("us", "UTC"),
    "last_contact_at": pl.Datetime("us", "UTC"),
}
KEYS = ["event_date", "team", "employee_token", "counterpart_token", "channel"]


def contact_frequency(messages: pl.LazyFrame, calls: pl.LazyFrame) -> pl.DataFrame:
    """Messages sent/received and calls (count, billed seconds) per employee x counterpart x day."""
    by_message = (
        messages.filter(
            (pl.col("kind") == "message")
            & pl.col("employee_token").is_not_null()
            & pl.col("counterpart_token").is_not_null()
        )
        .group_by(["event_date", "team", "employee_token", "counterpart_token"])
        .agg(
            messages_sent=(pl.col("direction") == "outbound").sum().cast(pl.Int64),
            messages_received=(pl.col("direction") == "inbound").sum().cast(pl.Int64),
            first_contact_at=pl.col("sent_at").min(),
            last_contact_at=pl.col("sent_at").max(),
        )
        .with_columns(
            channel=pl.lit("message"), calls=pl.lit(0, pl.Int64), call_seconds=pl.lit(0, pl.Int64)
        )
    )
    by_call = (
        calls.filter(
            pl.col("employee_token").is_not_null() & pl.col("counterpart_token").is_not_null()
        )
        .group_by(["event_date", "team", "employee_token", "counterpart_token"])
        .agg(
            calls=pl.len().cast(pl.Int64),
            call_seconds=pl.col("billsec_s").sum().cast(pl.Int64),
            first_contact_at=pl.col("started_at").min(),
            last_contact_at=pl.col("started_at").max(),
        )
        .with_columns(
            channel=pl.lit("call"),
            messages_sent=pl.lit(0, pl.Int64),
            messages_received=pl.lit(0, pl.Int64),
        )
    )
    columns = list(CONTACT_FREQUENCY_SCHEMA)
    return (
        pl.concat([by_message.select(columns), by_call.select(columns)])
        .collect()
        .cast(CONTACT_FREQUENCY_SCHEMA)
        .sort(KEYS)
    )
