"""Which alerts to notify: those at or above the notify severity that were not so before."""

from __future__ import annotations

import polars as pl

from pipelines.detection.config import SEVERITIES


def notifiable(alerts: pl.DataFrame, min_severity: str) -> pl.DataFrame:
    allowed = list(SEVERITIES[SEVERITIES.index(min_severity) :])
    return alerts.filter(pl.col("severity").is_in(allowed))


def new_alerts(
    current: pl.DataFrame, previous: pl.DataFrame | None, min_severity: str
) -> pl.DataFrame:
    """Alerts of ``current`` at or above ``min_severity`` that ``previous`` (the table when the
    last notifications were sent; None: never) did not already hold at that severity. In
    first_seen order, so notifications follow the order things happened."""
    now = notifiable(current, min_severity)
    if previous is not None and not previous.is_empty():
        before = notifiable(previous, min_severity).select("alert_id")
        now = now.join(before, on="alert_id", how="anti")
    return now.sort("first_seen", "alert_id")
