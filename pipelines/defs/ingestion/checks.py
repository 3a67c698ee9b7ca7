"""Bronze checks (blocking): every line accounted for, every file once."""

import dagster as dg
import polars as pl

from pipelines.defs.checks import to_check
from pipelines.defs.ingestion.assets import CALLS, MANIFEST_KEY, QUARANTINE_KEY, WHATSAPP
from pipelines.defs.resources import LakehouseResource
from pipelines.ingest.bronze import MANIFEST_SCHEMA, QUARANTINE_SCHEMA
from pipelines.ingest.bronze_loader import MANIFEST, QUARANTINE, RECORD_TABLES
from pipelines.quality import table_rules
from pipelines.quality.reconciliation import manifest_balances, table_matches_manifest


def _manifest(lakehouse: LakehouseResource, kind: str | None = None) -> pl.LazyFrame:
    manifest = lakehouse.scan_or_empty(MANIFEST, MANIFEST_SCHEMA)
    return manifest if kind is None else manifest.filter(pl.col("source_kind") == kind)


def _records(lakehouse: LakehouseResource, table: str) -> pl.LazyFrame:
    schema = {"file_sha256": pl.Utf8, "line_count": pl.Int64, "record_id": pl.Utf8}
    return lakehouse.scan_or_empty(table, schema)


@dg.asset_check(asset=MANIFEST_KEY, blocking=True)
def ingest_manifest_reconciles(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """Per file, parsed + quarantined lines = lines in the file; each file (sha256) once."""
    manifest = _manifest(lakehouse)
    return to_check(
        manifest_balances(manifest), table_rules.unique(manifest, MANIFEST, ["file_sha256"])
    )


@dg.asset_check(asset=WHATSAPP, blocking=True)
def whatsapp_lines_match_manifest(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """Lines stored per export = lines the manifest says were parsed; record ids unique."""
    table = RECORD_TABLES["whatsapp"]
    rows = _records(lakehouse, table)
    return to_check(
        table_matches_manifest(
            table,
            rows,
            _manifest(lakehouse, "whatsapp"),
            "parsed_lines",
            pl.col("line_count").sum(),
        ),
        table_rules.unique(rows, table, ["record_id"]),
    )


@dg.asset_check(asset=CALLS, blocking=True)
def call_records_match_manifest(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """Call records stored per file = records the manifest says were parsed; ids unique."""
    table = RECORD_TABLES["asterisk_cdr"]
    rows = _records(lakehouse, table)
    return to_check(
        table_matches_manifest(
            table, rows, _manifest(lakehouse, "asterisk_cdr"), "parsed_records", pl.len()
        ),
        table_rules.unique(rows, table, ["record_id"]),
    )


@dg.asset_check(asset=QUARANTINE_KEY, blocking=True)
def quarantine_matches_manifest(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """Quarantined lines per file = what the manifest recorded, each with a reason."""
    rows = lakehouse.scan_or_empty(QUARANTINE, QUARANTINE_SCHEMA)
    return to_check(
        table_matches_manifest(
            QUARANTINE, rows, _manifest(lakehouse), "quarantined_lines", pl.col("line_count").sum()
        ),
        table_rules.not_null(rows.with_row_index("row"), QUARANTINE, "reason", "row"),
    )
