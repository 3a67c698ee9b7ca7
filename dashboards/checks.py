"""Data-quality results for the dashboards: the latest contract check of every table.

The pipeline's contract checks (Dagster asset checks) are read from the ``audit.check_results``
table when the pipeline writes it (one row per check evaluation, see CHECK_RESULTS_SCHEMA);
without it the page can validate the latest partition of each table on demand with the same
contract code (data_contracts.validation), read-only.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import streamlit as st

from dashboards.data import lakehouse_uri, timezone
from dashboards.roles import Viewer
from pipelines import lake

CHECK_RESULTS = "audit.check_results"
CHECK_RESULTS_SCHEMA = {
    "checked_at": pl.Datetime("us", "UTC"),
    "table_name": pl.Utf8,
    "check_name": pl.Utf8,
    "passed": pl.Boolean,
    "severity": pl.Utf8,
    "description": pl.Utf8,
    "rows_validated": pl.Int64,
    "rules_failed": pl.Int64,
    "scope": pl.Utf8,
    "run_id": pl.Utf8,
}
LIVE_LAYERS = ("silver.", "gold.")  # bronze is reconciled whole by the pipeline: too big here
LIVE_SCHEMA = {
    "table_name": pl.Utf8, "passed": pl.Boolean, "severity": pl.Utf8, "failing": pl.Int64,
    "description": pl.Utf8, "rows_validated": pl.Int64, "scope": pl.Utf8,
}


def stored_results_exist() -> bool:
    return lake.table_exists(CHECK_RESULTS, lakehouse_uri())


def latest_results(viewer: Viewer) -> pl.DataFrame:
    """The latest evaluation of every (table, check), failures first, ``checked_at`` local."""
    viewer.require("view_data_quality")
    if not stored_results_exist():
        return pl.DataFrame(schema=CHECK_RESULTS_SCHEMA)
    results = lake.read_table(CHECK_RESULTS, lakehouse_uri())
    return (
        results.sort("checked_at")
        .group_by("table_name", "check_name", maintain_order=True)
        .last()
        .with_columns(pl.col("checked_at").dt.convert_time_zone(timezone()))
        .sort(["passed", "table_name", "check_name"])
    )


def result_history(viewer: Viewer, days: int = 30) -> pl.DataFrame:
    """Passed and failed evaluations per day (for the trend chart)."""
    viewer.require("view_data_quality")
    if not stored_results_exist():
        return pl.DataFrame(schema={"day": pl.Date, "outcome": pl.Utf8, "checks": pl.UInt32})
    results = lake.scan_table(CHECK_RESULTS, lakehouse_uri())
    local = pl.col("checked_at").dt.convert_time_zone(timezone())
    since = pl.col("checked_at").max() - timedelta(days=days)
    return (
        results.filter(pl.col("checked_at") >= since)
        .group_by(local.dt.date().alias("day"),
                  pl.when(pl.col("passed")).then(pl.lit("passed")).otherwise(pl.lit("failed"))
                  .alias("outcome"))
        .len("checks")
        .sort("day", "outcome")
        .collect()
    )


@st.cache_data(ttl=300, show_spinner="Validating the latest partitions against the contracts …")
def _validate(base: str) -> pl.DataFrame:
    from data_contracts import ContractError, load_contracts
    from data_contracts.validation import validate_table

    rows = []
    for table, contract in sorted(load_contracts().items()):
        if not table.startswith(LIVE_LAYERS) or not lake.table_exists(table, base):
            continue
        where, scope = None, "whole table"
        scan = lake.scan_table(table, base)
        if "event_date" in scan.collect_schema().names():
            day = scan.select(pl.col("event_date").max()).collect().item()
            if day is not None:
                where, scope = pl.col("event_date") == day, f"event_date {day}"
        try:
            report = validate_table(contract, base, where=where)
        except ContractError as exc:  # a rule the stored table cannot run (e.g. schema drift)
            rows.append((table, False, "error", 0, str(exc), 0, scope))
            continue
        rows += [
            (table, r.passed, r.severity, r.failing, r.description, report.rows, scope)
            for r in report.results
        ]
    return pl.DataFrame(rows, schema=LIVE_SCHEMA, orient="row").sort(["passed", "table_name"])


def validate_latest(viewer: Viewer) -> pl.DataFrame:
    """Every contracted silver and gold table's latest event date validated now, one row per
    rule."""
    viewer.require("view_data_quality")
    return _validate(lakehouse_uri())
