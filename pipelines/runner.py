"""Run the code location's jobs in this process (for the CLI, the demo and tests).

Bronze first; then silver and gold for the event dates the newly ingested files cover, in one
run (the daily assets use a single-run backfill policy, so a range costs one pass, not one run
per day). Adding a day of files therefore costs about a day of work; ``full=True`` (or explicit
``dates``) rebuilds a wider span, e.g. after a rule or code change.

Which files have been built is recorded in ``audit.build_log`` only after the silver/gold run
succeeded, so a run that failed or was killed after ingesting leaves its files pending and the
next run builds their dates.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import dagster as dg
import polars as pl

from pipelines import lake
from pipelines.conform.calls import rebuild_span
from pipelines.ingest.bronze_loader import MANIFEST

CALL_KIND = "asterisk_cdr"  # the manifest's source_kind of every call-record file

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
BUILD_LOG = "audit.build_log"
BUILD_LOG_SCHEMA = {
    "file_sha256": pl.Utf8,
    "first_event_date": pl.Date,
    "last_event_date": pl.Date,
    "run_id": pl.Utf8,
    "built_at": pl.Datetime("us", "UTC"),
}


@dataclass
class RunSummary:
    success: bool = True
    first_date: date | None = None
    last_date: date | None = None
    new_files: int = 0
    failed_checks: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)


def _instance() -> dg.DagsterInstance:
    return (
        dg.DagsterInstance.get()
        if os.environ.get("DAGSTER_HOME")
        else dg.DagsterInstance.ephemeral()
    )


def ingested_files(base: str | None = None) -> set[str]:
    """sha256 of every file the ingest manifest holds."""
    if not lake.table_exists(MANIFEST, base):
        return set()
    return set(lake.read_table(MANIFEST, base, ["file_sha256"])["file_sha256"].to_list())


def built_files(base: str | None = None) -> set[str]:
    """sha256 of every ingested file whose dates silver and gold have been built for."""
    if not lake.table_exists(BUILD_LOG, base):
        return set()
    return set(lake.read_table(BUILD_LOG, base, ["file_sha256"])["file_sha256"].to_list())


def _record_built(files: set[str], run_id: str, base: str | None) -> None:
    if not files:
        return
    manifest = (
        lake.scan_table(MANIFEST, base)
        .filter(pl.col("file_sha256").is_in(list(files)))
        .group_by("file_sha256")
        .agg(pl.col("first_event_date").min(), pl.col("last_event_date").max())
        .collect()
    )
    rows = manifest.with_columns(
        pl.lit(run_id).alias("run_id"), pl.lit(datetime.now(UTC)).alias("built_at")
    )
    lake.append(rows.select(list(BUILD_LOG_SCHEMA)).cast(BUILD_LOG_SCHEMA), BUILD_LOG, base=base)


def event_date_span(
    base: str | None = None, skip_files: set[str] | None = None
) -> tuple[date, date] | None:
    """First and last event date in bronze, from the ingest manifest, leaving out the files
    whose sha256 is in ``skip_files`` (those already built). Call records widen the span back
    by the days a call's legs may spread over: a new leg after midnight changes the call of
    the day before."""
    if not lake.table_exists(MANIFEST, base):
        return None
    everything = lake.scan_table(MANIFEST, base)
    manifest = everything
    if skip_files:
        manifest = manifest.filter(~pl.col("file_sha256").is_in(list(skip_files)))
    span = manifest.select(
        pl.col("first_event_date").min(),
        pl.col("last_event_date").max(),
        (pl.col("source_kind") == CALL_KIND).any().alias("calls"),
    ).collect()
    first, last, calls = span.row(0)
    if not (first and last):
        return None
    if calls:
        earliest = everything.select(pl.col("first_event_date").min()).collect().item()
        widened = date.fromisoformat(rebuild_span(first.isoformat(), last.isoformat())[0])
        first = max(widened, earliest)
    return first, last


def _clamp(first: date, last: date, partitions: dg.DailyPartitionsDefinition) -> tuple[str, str]:
    keys = partitions.get_partition_keys()
    lo, hi = keys[0], keys[-1]
    return max(first.isoformat(), lo), min(last.isoformat(), hi)


def _collect(result: dg.ExecuteInProcessResult, summary: RunSummary) -> None:
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                summary.failed_checks.append(
                    f"{evaluation.asset_check_key.name}: {evaluation.description}"
                )
        elif event.event_type_value == "STEP_FAILURE":
            summary.failed_steps.append(event.step_key or "?")
    summary.success = summary.success and result.success


def run_pipeline(
    defs: dg.Definitions,
    base: str | None = None,
    *,
    full: bool = False,
    dates: tuple[date, date] | None = None,
) -> RunSummary:
    """Ingest new landing files, then build silver and gold for the dates they cover.

    ``full`` rebuilds every date bronze holds; ``dates`` rebuilds that inclusive span.
    """
    summary = RunSummary()
    instance = _instance()
    before = ingested_files(base)
    ingest = defs.resolve_job_def("ingest_landing").execute_in_process(
        instance=instance, raise_on_error=False, run_config=QUIET
    )
    _collect(ingest, summary)
    ingested = ingested_files(base)
    summary.new_files = len(ingested - before)
    built = built_files(base)
    span = dates or event_date_span(base, skip_files=None if full else built)
    if not summary.success or span is None:
        return summary
    job = defs.resolve_job_def("daily_pipeline")
    first, last = _clamp(*span, job.partitions_def)
    summary.first_date, summary.last_date = date.fromisoformat(first), date.fromisoformat(last)
    daily = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config=QUIET,
        tags={RANGE_START: first, RANGE_END: last},
    )
    _collect(daily, summary)
    if daily.success and (full or dates is None):
        _record_built(ingested - built, daily.run_id, base)
    return summary
