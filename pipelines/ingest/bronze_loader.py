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
from pipelines.ingest.bronze import (
    CALLS_TABLE,
    WHATSAPP_TABLE,
    BronzeBatch,
    calls_batch,
    manifest_frame,
    whatsapp_batch,
)
from pipelines.ingest.bronze_cloud import CLOUD_MESSAGES_TABLE, CLOUD_STATUSES_TABLE, cloud_batch
from pipelines.ingest.call_mappings import mapping_for, read_mapped_calls
from pipelines.ingest.call_records import read_asterisk_cdr
from pipelines.ingest.cloud_api import read_deliveries
from pipelines.ingest.landing import LandingFile, discover
from pipelines.ingest.whatsapp_export import read_export
from pipelines.settings import Settings

log = logging.getLogger(__name__)

# source kind -> its main record table (the checks read these)
RECORD_TABLES = {"whatsapp": WHATSAPP_TABLE, "asterisk_cdr": CALLS_TABLE}
# every table holding per-file hash chains: table -> (source kind, position columns in file order)
CHAINED_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    WHATSAPP_TABLE: ("whatsapp", ("line_number",)),
    CALLS_TABLE: ("asterisk_cdr", ("line_number",)),
    CLOUD_MESSAGES_TABLE: ("cloud_api", ("line_number", "item_index")),
    CLOUD_STATUSES_TABLE: ("cloud_api", ("line_number", "item_index")),
}
QUARANTINE = "bronze.quarantine"
MANIFEST = "bronze.ingest_manifest"
BATCH_RECORDS = 200_000


@dataclass
class IngestReport:
    files_seen: int = 0
    files_skipped: int = 0
    files_ingested: int = 0
    records: dict[str, int] = field(default_factory=dict)  # table -> rows added
    quarantined: int = 0
    orphans_removed: int = 0


def ingest_landing(
    landing_dir: Path,
    base: str | None = None,
    now: datetime | None = None,
    timezone: str | None = None,
) -> IngestReport:
    """Load every new file under ``landing_dir``; ``timezone`` dates Cloud API events
    (default: VIGIA_TIMEZONE)."""
    zone = timezone or Settings.from_env().timezone
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
        batch.append(load_file(file, ingested_at, zone))
        size += sum(frame.height for frame in batch[-1].records.values())
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


def load_file(file: LandingFile, ingested_at: datetime, timezone: str) -> BronzeBatch:
    """Parse one landing file into its bronze rows (no table is written)."""
    if file.kind == "whatsapp":
        return whatsapp_batch(file, read_export(file.path), ingested_at)
    if file.kind == "cloud_api":
        return cloud_batch(file, read_deliveries(file.path), ingested_at, timezone)
    mapping = mapping_for(file.relative)
    if mapping is not None:
        return calls_batch(file, read_mapped_calls(file.path, mapping), ingested_at)
    return calls_batch(file, read_asterisk_cdr(file.path), ingested_at)


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
    by_table: dict[str, list[pl.DataFrame]] = {}
    for item in batch:
        for table, frame in item.records.items():
            by_table.setdefault(table, []).append(frame)
    for table, frames in by_table.items():
        written = lake.append(pl.concat(frames), table, partition_by=["event_date"], base=base)
        report.records[table] = report.records.get(table, 0) + written
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
    for name in (*CHAINED_TABLES, QUARANTINE):
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
