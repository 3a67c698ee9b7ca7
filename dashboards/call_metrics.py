"""Call metrics over gold.call_volume_daily (polars in, polars or plain values out).

Averages and p90 of a selection are weighted by answered calls: the table holds per-agent-day
values, and the exact percentile over many days needs the calls themselves, so the selection's
p90 is the answered-weighted mean of the daily p90s (labelled as such on the page).
"""

from __future__ import annotations

from datetime import date

import polars as pl


def _weighted(column: str) -> pl.Expr:
    weight = pl.col("answered").cast(pl.Float64)
    total = weight.filter(pl.col(column).is_not_null()).sum()
    return pl.when(total > 0).then((pl.col(column) * weight).sum() / total).otherwise(None)


def totals(calls: pl.DataFrame) -> dict[str, float | None]:
    """Calls, in/out, answered rate, average and (weighted) p90 duration, flagged calls."""
    if calls.is_empty():
        return {"calls": 0, "calls_in": 0, "calls_out": 0, "answered_rate": None,
                "avg_duration_s": None, "p90_duration_s": None, "dnc_calls": None,
                "no_consent_calls": None}
    row = calls.select(
        pl.col("calls", "calls_in", "calls_out", "answered").sum(),
        _weighted("avg_duration_s").alias("avg_duration_s"),
        _weighted("p90_duration_s").alias("p90_duration_s"),
        # null = not checked yet (governance tables missing), never "none found"
        *(pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c)
          for c in ("dnc_calls", "no_consent_calls")),
    ).row(0, named=True)
    row["answered_rate"] = row["answered"] / row["calls"] if row["calls"] else None
    row.pop("answered")
    return row


def per_day(calls: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Long frame (event_date, direction, calls): inbound and outbound per day, zero-filled."""
    days = pl.DataFrame({"event_date": pl.date_range(start, end, "1d", eager=True)})
    daily = calls.group_by("event_date").agg(
        pl.col("calls_in").sum().alias("inbound"), pl.col("calls_out").sum().alias("outbound")
    )
    return (
        days.join(daily, on="event_date", how="left")
        .fill_null(0)
        .unpivot(index="event_date", variable_name="direction", value_name="calls")
        .sort(["direction", "event_date"])
    )


def by_agent(calls: pl.DataFrame) -> pl.DataFrame:
    """Per team and agent: calls, in/out, answered rate, weighted average and p90 duration."""
    return (
        calls.group_by("team", "employee_token")
        .agg(
            pl.col("calls", "calls_in", "calls_out", "answered").sum(),
            _weighted("avg_duration_s").round(1).alias("avg_duration_s"),
            _weighted("p90_duration_s").round(1).alias("p90_duration_s"),
            pl.col("event_date").n_unique().alias("active_days"),
        )
        .with_columns((pl.col("answered") / pl.col("calls")).alias("answered_rate"))
        .sort(["calls", "employee_token"], descending=[True, False])
    )
