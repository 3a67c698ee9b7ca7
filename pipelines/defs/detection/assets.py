"""Gold detection tables: flagged messages, per-category scores, conversation scores with reply
context, metadata signals and the deduplicated alerts."""

from datetime import date, timedelta

import dagster as dg
import polars as pl

from pipelines.conform.calls import SILVER_CALLS_SCHEMA
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA
from pipelines.defs.conformed.assets import silver_calls, silver_messages
from pipelines.defs.partitions import daily_table, date_span
from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.detection.alerts import ALERTS_SCHEMA, closed_alerts, derive_alerts
from pipelines.detection.category_scores import CATEGORY_SCORES_SCHEMA, score_categories
from pipelines.detection.config import load_detection_config
from pipelines.detection.conversation_scores import (
    CONVERSATION_SCORES_SCHEMA,
    score_conversations,
)
from pipelines.detection.message_scores import MESSAGE_SCORES_SCHEMA, score_messages
from pipelines.detection.signals import SIGNALS_SCHEMA, detect_signals

REVIEWS = "gold.alert_reviews"  # appended by the review workflow (issue 7)
SIGNAL_MESSAGE_COLUMNS = [  # what the signals read of the lookback window: no text
    "message_id",
    "chat_id",
    "event_date",
    "sent_at",
    "kind",
    "sender_token",
    "employee_token",
    "counterpart_token",
    "team",
    "is_deleted",
]


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def _counts(frame: pl.DataFrame, column: str) -> dict:
    return dict(frame.get_column(column).value_counts().iter_rows()) if frame.height else {}


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


@daily_table("gold", "message_category_scores", [gold_message_scores], {"delta", "spacy"})
def gold_message_category_scores(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
) -> dg.MaterializeResult:
    """One row per flagged message and category: score, severity, the rules with their weights
    (the score's parts) and the matched spans (offsets in the redacted text)."""
    first, last = date_span(context)
    flagged = lakehouse.scan_dates(
        "gold.message_scores", MESSAGE_SCORES_SCHEMA, first, last
    ).collect()
    rows = score_categories(flagged, firm.scorer())
    written = lakehouse.replace_dates(rows, "gold.message_category_scores", first, last)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "flagged_messages": flagged.height,
            "by_category": _counts(rows, "category"),
        }
    )


@daily_table("gold", "conversation_scores", [gold_message_category_scores, silver_messages])
def gold_conversation_scores(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource
) -> dg.MaterializeResult:
    """Per conversation, day and category: the flags combined and weighed by the other party's
    reply (acceptance raises, refusal lowers; config/detection.yaml), with the parts and reason."""
    first, last = date_span(context)
    config = load_detection_config()
    flags = lakehouse.scan_dates(
        "gold.message_category_scores", CATEGORY_SCORES_SCHEMA, first, last
    ).collect()
    chats = flags.get_column("chat_id").unique().to_list()
    messages = (
        lakehouse.scan_dates("silver.messages", SILVER_MESSAGES_SCHEMA, first, _shift(last, 1))
        .filter(pl.col("chat_id").is_in(chats))
        .collect()
    )
    rows = score_conversations(flags, messages, config)
    written = lakehouse.replace_dates(rows, "gold.conversation_scores", first, last)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "by_category": _counts(rows, "category"),
            "by_context": _counts(rows, "context"),
        }
    )


@daily_table("gold", "signals", [gold_message_category_scores, silver_messages, silver_calls])
def gold_signals(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource
) -> dg.MaterializeResult:
    """Off-channel and capture-gap signals from metadata: volume drop after an off-channel flag,
    silence in a daily conversation, bursts of deleted messages, calls without messages. Reads a
    lookback window before the run's dates (the longest window of config/detection.yaml)."""
    first, last = date_span(context)
    config = load_detection_config()
    start = _shift(first, -config.signals.lookback_days)
    messages = (
        lakehouse.scan_dates("silver.messages", SILVER_MESSAGES_SCHEMA, start, _shift(last, 1))
        .select(SIGNAL_MESSAGE_COLUMNS)
        .collect()
    )
    flags = (
        lakehouse.scan_dates("gold.message_category_scores", CATEGORY_SCORES_SCHEMA, start, last)
        .filter(pl.col("category") == "off_channel")
        .collect()
    )
    calls = lakehouse.scan_dates("silver.calls", SILVER_CALLS_SCHEMA, first, last).collect()
    rows = detect_signals(
        messages, flags, calls, config, date.fromisoformat(first), date.fromisoformat(last)
    )
    written = lakehouse.replace_dates(rows, "gold.signals", first, last)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "lookback_from": start,
            "by_type": _counts(rows, "signal_type"),
        }
    )


@daily_table("gold", "alerts", [gold_conversation_scores, gold_signals])
def gold_alerts(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource
) -> dg.MaterializeResult:
    """One open alert per conversation and category (deduplicated across days), with severity,
    snippet, reason and message ids. Derived from all conversation scores and signals above
    the thresholds on every run, so a re-run gives the same alerts with the same ids."""
    config = load_detection_config()
    conversations = (
        lakehouse.scan_or_empty("gold.conversation_scores", CONVERSATION_SCORES_SCHEMA)
        .filter(pl.col("score") >= config.alert_min_score)
        .collect()
    )
    signals = (
        lakehouse.scan_or_empty("gold.signals", SIGNALS_SCHEMA)
        .filter(
            pl.col("chat_id").is_not_null() & (pl.col("score") >= config.signals.alert_min_score)
        )
        .collect()
    )
    closed = closed_alerts(lakehouse.read(REVIEWS)) if lakehouse.exists(REVIEWS) else {}
    alerts = derive_alerts(conversations, signals, config, closed)
    written = lakehouse.overwrite(alerts.select(list(ALERTS_SCHEMA)), "gold.alerts")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "by_category": _counts(alerts, "category"),
            "by_severity": _counts(alerts, "severity"),
            "evidence_rows": conversations.height + signals.height,
        }
    )
