"""Load new landing files into bronze: parse, append in batches, record the manifest last.

The manifest (``bronze.ingest_manifest``) is written after a batch's records, so a file is
"ingested" only once all its rows are in. Rows of a file that reached bronze without its
manifest row (an interrupted run) are removed before the file is loaded again: re-running is
always safe and never duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipelines import lake
from pipelines.ingest.bronze import BronzeBatch, calls_batch, manifest_frame, whatsapp_batch
from pipelines.ingest.call_records import read_asterisk_cdr
from pipelines.ingest.landing import LandingFile, discover
from pipelines.ingest.whatsapp_export import read_export

log = logging.getLogger(__name__)

RECORD_TABLES = {"whatsapp": "bronze.whatsapp_messages", "asterisk_cdr": "bronze.call_records"}
QUARANTINE = "bronze.quarantine"
MANIFEST = "bronze.ingest_manifest"
BATCH_RECORDS = 200_000


@dataclass
class IngestReport:
    files_seen: int = 0
    files_skipped: int = 0
    files_ingested: int = 0
    records: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    orphans_removed: int = 0


def ingest_landing(
    landing_dir: Path, base: str | None = None, now: datetime | None = None
) -> IngestReport:
    report = IngestReport()
    files = discover(landing_dir)
    report.files_seen = len(files)
    known = _ingested_hashes(base)
    report.orphans_removed = _remove_orphans(known, base)
    pending = _unique_by_hash(f for f in files if f.sha256 not in known)
    report.files_skipped = len(files) - len(pending)
    ingested_at = now or datetime.now(UTC)
    batch: list[BronzeBatch] = []
    size = 0
    for file in pending:
        parsed = _parse(file)
        batch.append(parsed(file, ingested_at))
        size += batch[-1].records.height
        if size >= BATCH_RECORDS:
            _write(batch, report, base)
            batch, size = [], 0
    _write(batch, report, base)
    log.info(
        "bronze ingest: %d files seen, %d new, %d skipped, %d quarantined",
        report.files_seen,
        report.files_ingested,
        report.files_skipped,
        report.quarantined,
    )
    return report


def _parse(file: LandingFile):
    if file.kind == "whatsapp":
        parsed = read_export(file.path)
        return lambda f, at: whatsapp_batch(f, parsed, at)
    parsed_calls = read_asterisk_cdr(file.path)
    return lambda f, at: calls_batch(f, parsed_calls, at)


def _unique_by_hash(files: Iterable[LandingFile]) -> list[LandingFile]:
    """The same bytes under two names are one file: keep the first."""
    seen: set[str] = set()
    unique = []
    for file in files:
        if file.sha256 not in seen:
            seen.add(file.sha256)
            unique.append(file)
    return unique


def _write(batch: list[BronzeBatch], report: IngestReport, base: str | None) -> None:
    if not batch:
        return
    by_kind: dict[str, list[pl.DataFrame]] = {}
    for item in batch:
        by_kind.setdefault(item.manifest["source_kind"], []).append(item.records)
    for kind, frames in by_kind.items():
        written = lake.append(
            pl.concat(frames), RECORD_TABLES[kind], partition_by=["event_date"], base=base
        )
        report.records[kind] = report.records.get(kind, 0) + written
    report.quarantined += lake.append(
        pl.concat([b.quarantine for b in batch]), QUARANTINE, base=base
    )
    lake.append(manifest_frame([b.manifest for b in batch]), MANIFEST, base=base)
    report.files_ingested += len(batch)


def _ingested_hashes(base: str | None) -> set[str]:
    if not lake.table_exists(MANIFEST, base):
        return set()
    return set(lake.read_table(MANIFEST, base, columns=["file_sha256"])["file_sha256"].to_list())


def _remove_orphans(known: set[str], base: str | None) -> int:
    """Delete rows left by an interrupted load (their file has no manifest row)."""
    removed = 0
    for name in (*RECORD_TABLES.values(), QUARANTINE):
        if not lake.table_exists(name, base):
            continue
        present = set(
            lake.scan_table(name, base)
            .select("file_sha256")
            .unique()
            .collect()["file_sha256"]
            .to_list()
        )
        orphans = sorted(present - known)
        if orphans:
            listed = ", ".join(f"'{sha}'" for sha in orphans)
            metrics = lake.delta_table(name, base).delete(f"file_sha256 IN ({listed})")
            removed += int(metrics.get("num_deleted_rows", 0) or 0)
    return removed
