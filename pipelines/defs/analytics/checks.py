"""Gold aggregate checks: one row per key, counts that make sense."""

import dagster as dg
import polars as pl

from pipelines.analytics.contact_frequency import CONTACT_FREQUENCY_SCHEMA, KEYS
from pipelines.analytics.contact_hours import CONTACT_HOURS_SCHEMA
from pipelines.defs.analytics.assets import gold_contact_frequency_daily, gold_contact_hours
from pipelines.defs.checks import to_check
from pipelines.defs.resources import LakehouseResource
from pipelines.quality import table_rules as rules


@dg.asset_check(asset=gold_contact_frequency_daily)
def contact_frequency_is_consistent(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """One row per day x employee x counterpart x channel; a row counts at least one contact."""
    table = "gold.contact_frequency_daily"
    frame = lakehouse.scan_or_empty(table, CONTACT_FREQUENCY_SCHEMA).with_columns(
        key=pl.concat_str([pl.col(k).cast(pl.Utf8) for k in KEYS], separator="|")
    )
    contacts = pl.col("messages_sent") + pl.col("messages_received") + pl.col("calls")
    return to_check(
        rules.unique(frame, table, KEYS),
        rules.violations(frame, table, "at least one contact", contacts < 1, "key"),
        rules.violations(
            frame,
            table,
            "first_contact_at <= last_contact_at",
            pl.col("first_contact_at") > pl.col("last_contact_at"),
            "key",
        ),
    )


@dg.asset_check(asset=gold_contact_hours)
def contact_hours_in_range(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """Weekday 0-6, hour 0-23, positive counts."""
    table = "gold.contact_hours"
    frame = lakehouse.scan_or_empty(table, CONTACT_HOURS_SCHEMA).with_row_index("row")
    return to_check(
        rules.in_range(frame, table, "weekday", 0, 6, "row"),
        rules.in_range(frame, table, "hour", 0, 23, "row"),
        rules.violations(frame, table, "contacts > 0", pl.col("contacts") < 1, "row"),
    )
