"""Gold scores: which messages misconduct rules fired on, and why."""

import dagster as dg

from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA
from pipelines.defs.conformed.assets import silver_messages
from pipelines.defs.partitions import daily_table, date_span
from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.detection.message_scores import score_messages


@daily_table("gold", "message_scores", [silver_messages], {"delta", "spacy"})
def gold_message_scores(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
) -> dg.MaterializeResult:
    """Messages flagged by the misconduct rules in models/rules/, with score, severity,
    categories and the ids of the rules that fired (explainable)."""
    first, last = date_span(context)
    messages = lakehouse.scan_dates(
        "silver.messages", SILVER_MESSAGES_SCHEMA, first, last
    ).collect()
    scores = score_messages(messages, firm.scorer())
    written = lakehouse.replace_dates(scores, "gold.message_scores", first, last)
    by_category = scores.explode("categories").get_column("categories").value_counts()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "messages_scored": messages.height,
            "by_category": dict(by_category.iter_rows()),
        }
    )
