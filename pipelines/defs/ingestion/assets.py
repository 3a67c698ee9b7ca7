"""Bronze: every landing file, raw and provable, loaded once."""

import dagster as dg

from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.ingest.bronze_loader import MANIFEST, QUARANTINE, RECORD_TABLES, ingest_landing

WHATSAPP = dg.AssetKey(["bronze", "whatsapp_messages"])
CALLS = dg.AssetKey(["bronze", "call_records"])
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
            description="Call detail records (Asterisk Master.csv rows) "
            "exactly as received, with provenance and hash chain.",
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
    report = ingest_landing(firm.landing, base=lakehouse.uri)
    context.log.info(
        f"{report.files_seen} files seen, {report.files_ingested} ingested, "
        f"{report.files_skipped} skipped as already ingested, "
        f"{report.orphans_removed} rows of interrupted loads removed"
    )
    added = (
        (WHATSAPP, RECORD_TABLES["whatsapp"], report.records.get("whatsapp", 0)),
        (CALLS, RECORD_TABLES["asterisk_cdr"], report.records.get("asterisk_cdr", 0)),
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
