"""Gold aggregates for managers: contact frequency and contact hours."""

import dagster as dg

from pipelines.analytics.contact_frequency import contact_frequency
from pipelines.analytics.contact_hours import contact_hours
from pipelines.conform.calls import SILVER_CALLS_SCHEMA
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA
from pipelines.defs.conformed.assets import silver_calls, silver_messages
from pipelines.defs.partitions import daily_table, date_span
from pipelines.defs.resources import FirmResource, LakehouseResource


def _silver(lakehouse: LakehouseResource, first: str, last: str):
    return (
        lakehouse.scan_dates("silver.messages", SILVER_MESSAGES_SCHEMA, first, last),
        lakehouse.scan_dates("silver.calls", SILVER_CALLS_SCHEMA, first, last),
    )


@daily_table("gold", "contact_frequency_daily", [silver_messages, silver_calls])
def gold_contact_frequency_daily(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource
) -> dg.MaterializeResult:
    """Messages sent/received and calls (count, billed seconds) per employee x counterpart x
    day x channel, with first and last contact time."""
    first, last = date_span(context)
    frame = contact_frequency(*_silver(lakehouse, first, last))
    written = lakehouse.replace_dates(frame, "gold.contact_frequency_daily", first, last)
    return dg.MaterializeResult(metadata={"dagster/row_count": written})


@daily_table("gold", "contact_hours", [silver_messages, silver_calls])
def gold_contact_hours(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
) -> dg.MaterializeResult:
    """Contacts per local weekday x hour, per employee and day (the timing heatmap)."""
    first, last = date_span(context)
    frame = contact_hours(*_silver(lakehouse, first, last), firm.timezone)
    written = lakehouse.replace_dates(frame, "gold.contact_hours", first, last)
    return dg.MaterializeResult(metadata={"dagster/row_count": written})
