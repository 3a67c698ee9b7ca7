"""gold.alerts: one open alert per conversation and category, derived from the evidence.

Evidence is every conversation-day of gold.conversation_scores whose score reaches the
category's ``low`` threshold, plus every gold.signals row with a conversation whose score
reaches ``signals.alert_min_score`` (as category off_channel: the signals are off-channel and
capture-gap evidence). Per conversation and category, the evidence in date order folds into one
alert: the first opens it (``alert_id`` = hash of chat_id, category and that date), later days
update its last_seen, message ids and score. The table is derived from all of its evidence on
every run, never updated in place, so re-running any date range gives the same alerts and ids.

Status changes are not written here: the review workflow appends rows to gold.alert_reviews and
an alert's status is its latest review's (``status`` here is always "open", the state at
creation). ``closed`` (alert id -> date it was resolved) keeps a resolved alert closed: evidence
dated after that opens a new alert with a new id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date

import polars as pl

from pipelines.detection.config import DetectionConfig

ALERTS_SCHEMA = {
    "alert_id": pl.Utf8,
    "event_date": pl.Date,
    "category": pl.Utf8,
    "severity": pl.Utf8,
    "score": pl.Float64,
    "status": pl.Utf8,
    "chat_id": pl.Utf8,
    "team": pl.Utf8,
    "employee_token": pl.Utf8,
    "counterpart_token": pl.Utf8,
    "first_seen": pl.Datetime("us", "UTC"),
    "last_seen": pl.Datetime("us", "UTC"),
    "last_event_date": pl.Date,
    "days": pl.Int64,
    "message_ids": pl.List(pl.Utf8),
    "rule_ids": pl.List(pl.Utf8),
    "signal_ids": pl.List(pl.Utf8),
    "snippet": pl.Utf8,
    "reason": pl.Utf8,
}
EVIDENCE_COLUMNS = (
    "chat_id",
    "category",
    "event_date",
    "score",
    "team",
    "employee_token",
    "counterpart_token",
    "first_seen",
    "last_seen",
    "message_ids",
    "rule_ids",
    "signal_ids",
    "snippet",
    "reason",
)


def alert_id(chat_id: str, category: str, opened: date) -> str:
    key = f"{chat_id}\x1f{category}\x1f{opened.isoformat()}"
    return "A-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def evidence(
    conversations: pl.DataFrame, signals: pl.DataFrame, config: DetectionConfig
) -> pl.DataFrame:
    """The conversation-days and signals that count towards alerts, as one frame."""
    low = pl.lit(None, pl.Float64)
    for category, thresholds in config.thresholds.items():
        if category != "default":
            low = pl.when(pl.col("category") == category).then(thresholds.low).otherwise(low)
    low = low.fill_null(config.thresholds["default"].low)
    texts = conversations.filter(pl.col("score") >= low).select(
        *EVIDENCE_COLUMNS[:-3],
        pl.lit([], pl.List(pl.Utf8)).alias("signal_ids"),
        "snippet",
        "reason",
    )
    metadata = signals.filter(
        pl.col("chat_id").is_not_null() & (pl.col("score") >= config.signals.alert_min_score)
    ).select(
        "chat_id",
        pl.lit("off_channel").alias("category"),
        "event_date",
        "score",
        "team",
        "employee_token",
        "counterpart_token",
        "first_seen",
        "last_seen",
        "message_ids",
        pl.lit([], pl.List(pl.Utf8)).alias("rule_ids"),
        pl.concat_list("signal_id").alias("signal_ids"),
        pl.lit(None, pl.Utf8).alias("snippet"),
        (pl.col("signal_type") + pl.lit(": ") + pl.col("reason")).alias("reason"),
    )
    return pl.concat([texts, metadata], how="vertical_relaxed")


def derive_alerts(
    conversations: pl.DataFrame,
    signals: pl.DataFrame,
    config: DetectionConfig,
    closed: Mapping[str, date] | None = None,
) -> pl.DataFrame:
    """All alerts from all evidence (see the module docstring)."""
    found = evidence(conversations, signals, config)
    if found.is_empty():
        return pl.DataFrame(schema=ALERTS_SCHEMA)
    closed = closed or {}
    episodes: list[tuple[str, list[dict]]] = []  # (alert id, its evidence in date order)
    ordered = found.sort("chat_id", "category", "event_date", "first_seen", "score", "reason")
    for (chat, category), group in ordered.group_by("chat_id", "category", maintain_order=True):
        current: tuple[str, list[dict]] | None = None
        for item in group.iter_rows(named=True):
            ended = closed.get(current[0]) if current else None
            if current is None or (ended is not None and item["event_date"] > ended):
                current = (alert_id(chat, category, item["event_date"]), [])
                episodes.append(current)
            current[1].append(item)
    rows = [_finish(alert, items, config) for alert, items in episodes]
    return pl.DataFrame(rows, schema=ALERTS_SCHEMA).sort("event_date", "alert_id")


def _first(items: list[dict], column: str):
    return next((i[column] for i in items if i[column] is not None), None)


def _union(items: list[dict], column: str) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        for value in item[column] or []:
            seen.setdefault(value, None)
    return list(seen)


def _finish(alert: str, items: list[dict], config: DetectionConfig) -> dict:
    category = items[0]["category"]
    score = max(i["score"] for i in items)
    top = max(items, key=lambda i: i["score"])  # earliest among equals
    with_text = [i for i in items if i["snippet"]]
    shown = max(with_text, key=lambda i: i["score"]) if with_text else None
    days = sorted({i["event_date"] for i in items})
    rule_ids = sorted(set(_union(items, "rule_ids")))
    return {
        "alert_id": alert,
        "event_date": items[0]["event_date"],
        "category": category,
        "severity": config.severity(category, score) or "low",
        "score": score,
        "status": "open",
        "chat_id": items[0]["chat_id"],
        "team": _first(items, "team"),
        "employee_token": _first(items, "employee_token"),
        "counterpart_token": _first(items, "counterpart_token"),
        "first_seen": min(i["first_seen"] for i in items),
        "last_seen": max(i["last_seen"] for i in items),
        "last_event_date": days[-1],
        "days": len(days),
        "message_ids": _union(items, "message_ids"),
        "rule_ids": rule_ids,
        "signal_ids": _union(items, "signal_ids"),
        "snippet": shown["snippet"] if shown else None,
        "reason": _reason(category, items, days, rule_ids, score, top),
    }


def _reason(category, items, days, rule_ids, score, top) -> str:
    span = f"on {days[0]}" if len(days) == 1 else f"on {len(days)} days, {days[0]} .. {days[-1]}"
    parts = [f"{category} in this conversation {span}; highest score {score:.2f}"]
    if rule_ids:
        parts.append(f"rules {', '.join(rule_ids)}")
    parts.append(f"strongest evidence: {top['reason']}")
    signals = [i["reason"] for i in items if i["signal_ids"] and i is not top]
    if signals:
        parts.append(f"also {len(signals)} metadata signal(s), e.g. {signals[0]}")
    return "; ".join(parts)


CLOSED = "resolved"  # gold.alert_reviews status of a closed alert


def closed_alerts(reviews: pl.DataFrame) -> dict[str, date]:
    """alert id -> date of the review that closed it, from gold.alert_reviews (``alert_id``,
    ``at``, ``status`` after the action): alerts whose latest row is resolved. A reopened
    alert is open again, and its conversation's new evidence keeps going to it."""
    if reviews.is_empty() or not {"alert_id", "status", "at"} <= set(reviews.columns):
        return {}
    latest = reviews.sort("at").group_by("alert_id").agg(pl.col("status", "at").last())
    closing = latest.filter(pl.col("status") == CLOSED)
    return {alert: at.date() for alert, _, at in closing.iter_rows()}
