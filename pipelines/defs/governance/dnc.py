"""gold.dnc_violations: outbound calls to numbers on the do-not-call list."""

import dagster as dg
import polars as pl

from pipelines.conform.calls import SILVER_CALLS_SCHEMA
from pipelines.defs.conformed.assets import silver_calls
from pipelines.defs.governance.reference import DNC_REGISTRY
from pipelines.defs.partitions import daily_table, date_span
from pipelines.defs.resources import LakehouseResource
from pipelines.governance.dnc import (
    DNC_SCHEMA,
    campaigns_from_accountcode,
    dnc_violations,
    violation_counts,
)

BRONZE_CALLS = "bronze.call_records"


@daily_table("gold", "dnc_violations", [DNC_REGISTRY, silver_calls])
def gold_dnc_violations(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource
) -> dg.MaterializeResult:
    """Every outbound call to a number registered on the do-not-call list on or before the
    call's date: call id, agent, campaign (the PBX account code, when it names one),
    registration date and call time."""
    first, last = date_span(context)
    registry = lakehouse.scan_or_empty("silver.dnc_registry", DNC_SCHEMA).collect()
    calls = lakehouse.scan_dates("silver.calls", SILVER_CALLS_SCHEMA, first, last).collect()
    campaigns = None
    if lakehouse.exists(BRONZE_CALLS) and calls.height:
        records = calls.get_column("bronze_record_id").unique().to_list()
        campaigns = campaigns_from_accountcode(
            lakehouse.scan(BRONZE_CALLS)
            .select("record_id", "accountcode")
            .filter(pl.col("record_id").is_in(records))
            .collect()
        )
    found = dnc_violations(calls, registry, campaigns)
    written = lakehouse.replace_dates(found, "gold.dnc_violations", first, last)
    counts = violation_counts(found)
    by_campaign = counts.group_by("campaign").agg(pl.col("calls").sum()).sort("campaign")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "calls_checked": calls.height,
            "numbers_listed": registry.get_column("number_token").n_unique(),
            "agents": counts.get_column("employee_token").n_unique(),
            "by_campaign": dg.MetadataValue.json(
                {(c or "(unknown)"): n for c, n in by_campaign.iter_rows()}
            ),
            "first_date": first,
            "last_date": last,
        }
    )
