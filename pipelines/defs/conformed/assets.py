"""Silver: typed, UTC, pseudonymized, redacted and de-duplicated messages and calls."""

import dagster as dg
import polars as pl

from pipelines.conform.calls import SILVER_CALLS_SCHEMA, call_rows_for_dates, conform_calls
from pipelines.conform.cloud_messages import conform_cloud_messages
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA, conform_messages
from pipelines.conform.participants import build_participants
from pipelines.defs.ingestion.assets import CALLS, CLOUD_MESSAGES, WHATSAPP
from pipelines.defs.partitions import daily_table, date_span
from pipelines.defs.resources import FirmResource, LakehouseResource, in_dates


def bronze_rows(lakehouse: LakehouseResource, table: str, first: str, last: str) -> pl.DataFrame:
    if not lakehouse.exists(table):
        return pl.DataFrame()
    return lakehouse.scan(table).filter(in_dates(first, last)).collect()


@daily_table("silver", "messages", [WHATSAPP, CLOUD_MESSAGES])
def silver_messages(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
) -> dg.MaterializeResult:
    """WhatsApp messages from chat exports and Cloud API webhooks: UTC times, pseudonymous
    parties, PII in text replaced by typed placeholders, deleted/edited flagged, the same message
    from two exports (or a webhook delivered twice) kept once."""
    first, last = date_span(context)
    bronze = bronze_rows(lakehouse, "bronze.whatsapp_messages", first, last)
    cloud = bronze_rows(lakehouse, "bronze.cloud_api_messages", first, last)
    directory, privacy = firm.directory(), firm.privacy()
    exported = conform_messages(bronze, directory, privacy, firm.timezone)
    delivered = conform_cloud_messages(cloud, directory, privacy, firm.timezone)
    silver = pl.concat([exported, delivered])
    written = lakehouse.replace_dates(silver, "silver.messages", first, last)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "bronze_rows": bronze.height,
            "cloud_api_rows": cloud.height,
            "from_exports": exported.height,
            "from_cloud_api": delivered.height,
            "duplicates_dropped": bronze.height - exported.height,
            "first_date": first,
            "last_date": last,
        }
    )


@daily_table("silver", "calls", [CALLS])
def silver_calls(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
) -> dg.MaterializeResult:
    """Calls: UTC times, direction, pseudonymous employee and counterpart, disposition. The legs
    of a call crossing midnight are read from the neighbouring dates too; a call belongs to the
    date it started."""
    first, last = date_span(context)
    bronze = (
        call_rows_for_dates(lakehouse.scan("bronze.call_records"), first, last)
        if lakehouse.exists("bronze.call_records")
        else pl.DataFrame()
    )
    silver = conform_calls(
        bronze, firm.directory(), firm.privacy(), firm.timezone, dates=(first, last)
    )
    written = lakehouse.replace_dates(silver, "silver.calls", first, last)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "bronze_rows": bronze.height,
            "first_date": first,
            "last_date": last,
        }
    )


@dg.asset(
    key_prefix="silver",
    name="participants",
    group_name="silver",
    deps=[silver_messages, silver_calls],
    kinds={"delta", "polars"},
)
def silver_participants(lakehouse: LakehouseResource, firm: FirmResource) -> dg.MaterializeResult:
    """Everyone in the directory or seen in messages and calls, by pseudonym, with role and team."""
    participants = build_participants(
        firm.directory(),
        firm.pseudonymizer(),
        lakehouse.scan_or_empty("silver.messages", SILVER_MESSAGES_SCHEMA),
        lakehouse.scan_or_empty("silver.calls", SILVER_CALLS_SCHEMA),
    )
    written = lakehouse.overwrite(participants, "silver.participants")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "in_directory": int(participants["in_directory"].sum()),
        }
    )
