"""Bronze: every landing file, raw and provable, loaded once."""

import dagster as dg

from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.ingest.bronze_cloud import CLOUD_MESSAGES_TABLE, CLOUD_STATUSES_TABLE
from pipelines.ingest.bronze_loader import MANIFEST, QUARANTINE, RECORD_TABLES, ingest_landing
from pipelines.ingest.bronze_tables import create_missing_tables

WHATSAPP = dg.AssetKey(["bronze", "whatsapp_messages"])
CALLS = dg.AssetKey(["bronze", "call_records"])
CLOUD_MESSAGES = dg.AssetKey(["bronze", "cloud_api_messages"])
CLOUD_STATUSES = dg.AssetKey(["bronze", "cloud_api_statuses"])
QUARANTINE_KEY = dg.AssetKey(["bronze", "quarantine"])
MANIFEST_KEY = dg.AssetKey(["bronze", "ingest_manifest"])


@dg.multi_asset(
    group_name="bronze",
    specs=[
        dg.AssetSpec(
            WHATSAPP,
            description="WhatsApp export records exactly as received, "
            "with source file, line, file sha256 and hash chain.",
            kinds={"delta"},
        ),
        dg.AssetSpec(
            CALLS,
            description="Call detail records (Asterisk cdr-csv, cdr_custom, FreeSWITCH or "
            "mapped CSV rows) exactly as received, with provenance and hash chain.",
            kinds={"delta"},
        ),
        dg.AssetSpec(
            CLOUD_MESSAGES,
            description="WhatsApp Cloud API webhook messages and echoes, each with its raw "
            "JSON, delivery sha256, provenance and hash chain.",
            kinds={"delta"},
        ),
        dg.AssetSpec(
            CLOUD_STATUSES,
            description="WhatsApp Cloud API message statuses (sent, delivered, read, failed…) "
            "with raw JSON, provenance and hash chain.",
            kinds={"delta"},
        ),
        dg.AssetSpec(
            QUARANTINE_KEY,
            description="Lines that could not be parsed, with the "
            "reason; parsed + quarantined = lines in the file.",
            kinds={"delta"},
        ),
        dg.AssetSpec(
            MANIFEST_KEY,
            description="One row per ingested landing file: sha256, "
            "line counts reconciled, event dates covered.",
            kinds={"delta"},
        ),
    ],
)
def bronze_landing(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
):
    """Load new files from the landing folder into bronze (a file already seen is skipped)."""
    report = ingest_landing(firm.landing, base=lakehouse.uri, timezone=firm.timezone)
    created = create_missing_tables(lakehouse.uri)
    if created:
        context.log.info(f"created empty (no landing file has fed them yet): {', '.join(created)}")
    context.log.info(
        f"{report.files_seen} files seen, {report.files_ingested} ingested, "
        f"{report.files_skipped} skipped as already ingested, "
        f"{report.orphans_removed} rows of interrupted loads removed"
    )
    record_tables = (
        (WHATSAPP, RECORD_TABLES["whatsapp"]),
        (CALLS, RECORD_TABLES["asterisk_cdr"]),
        (CLOUD_MESSAGES, CLOUD_MESSAGES_TABLE),
        (CLOUD_STATUSES, CLOUD_STATUSES_TABLE),
    )
    added = (
        *((key, table, report.records.get(table, 0)) for key, table in record_tables),
        (QUARANTINE_KEY, QUARANTINE, report.quarantined),
        (MANIFEST_KEY, MANIFEST, report.files_ingested),
    )
    for key, table, rows in added:
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "table": table,
                "rows_added": rows,
                "files_seen": report.files_seen,
                "files_skipped": report.files_skipped,
            },
        )
