"""Gold score checks: every flagged message explains itself."""

import dagster as dg
import polars as pl

from pipelines.defs.checks import to_check
from pipelines.defs.detection.assets import gold_message_scores
from pipelines.defs.resources import LakehouseResource
from pipelines.detection.message_scores import MESSAGE_SCORES_SCHEMA
from pipelines.quality import table_rules as rules


@dg.asset_check(asset=gold_message_scores)
def scores_are_explained(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """Scores in (0, 1], at least one rule id per row, one row per message, no PII in evidence."""
    table = "gold.message_scores"
    frame = lakehouse.scan_or_empty(table, MESSAGE_SCORES_SCHEMA)
    return to_check(
        rules.unique(frame, table, ["message_id"]),
        rules.violations(
            frame,
            table,
            "0 < score <= 1",
            ~((pl.col("score") > 0) & (pl.col("score") <= 1)),
            "message_id",
        ),
        rules.violations(
            frame, table, "rule_ids not empty", pl.col("rule_ids").list.len() == 0, "message_id"
        ),
        rules.no_pii(frame, table, ["text_redacted"], "message_id"),
    )
