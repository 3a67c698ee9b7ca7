"""gold.call_volume_daily: calls per agent and day: direction, answered rate, billed durations.

Durations are billed seconds (``billsec_s``) of answered calls; the 90th percentile is linearly
interpolated between the two nearest ranks (numpy's and ``statistics.quantiles``' "inclusive"
method). ``dnc_calls`` and ``no_consent_calls`` count the agent's calls that the governance
tables flag (do-not-call list, no valid consent); they stay null until those tables are passed
in: null means "not checked", never "none found".
"""

from __future__ import annotations

import polars as pl

CALL_VOLUME_SCHEMA = {
    "event_date": pl.Date,
    "team": pl.Utf8,
    "employee_token": pl.Utf8,
    "calls": pl.Int64,
    "calls_in": pl.Int64,
    "calls_out": pl.Int64,
    "calls_internal": pl.Int64,
    "answered": pl.Int64,
    "answered_rate": pl.Float64,
    "avg_duration_s": pl.Float64,
    "p90_duration_s": pl.Float64,
    "dnc_calls": pl.Int64,
    "no_consent_calls": pl.Int64,
}
KEYS = ["event_date", "team", "employee_token"]
FLAG_COLUMNS = ("dnc_calls", "no_consent_calls")


def call_volume_daily(
    calls: pl.LazyFrame,
    dnc: pl.LazyFrame | None = None,
    no_consent: pl.LazyFrame | None = None,
) -> pl.DataFrame:
    """Per event_date x team x agent (``employee_token``). ``dnc`` / ``no_consent`` hold the
    ``call_id`` of flagged calls (any other columns are ignored); None leaves the count null."""
    answered = pl.col("answered").fill_null(False)
    billed = pl.col("billsec_s").filter(answered)
    flagged = {
        name: frame.select("call_id").unique().with_columns(pl.lit(True).alias(name))
        for name, frame in zip(FLAG_COLUMNS, (dnc, no_consent), strict=True)
        if frame is not None
    }
    agent_calls = calls.filter(pl.col("employee_token").is_not_null())
    for frame in flagged.values():
        agent_calls = agent_calls.join(frame, on="call_id", how="left")
    volume = agent_calls.group_by(KEYS).agg(
        calls=pl.len(),
        calls_in=(pl.col("direction") == "inbound").sum(),
        calls_out=(pl.col("direction") == "outbound").sum(),
        calls_internal=(pl.col("direction") == "internal").sum(),
        answered=answered.sum(),
        avg_duration_s=billed.mean(),
        p90_duration_s=billed.quantile(0.9, interpolation="linear"),
        **{name: pl.col(name).fill_null(False).sum() for name in flagged},
    )
    return (
        volume.with_columns(
            answered_rate=pl.col("answered") / pl.col("calls"),
            **{name: pl.lit(None) for name in FLAG_COLUMNS if name not in flagged},
        )
        .collect()
        .select(list(CALL_VOLUME_SCHEMA))
        .cast(CALL_VOLUME_SCHEMA)
        .sort(KEYS)
    )
