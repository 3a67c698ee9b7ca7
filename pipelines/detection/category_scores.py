"""gold.message_category_scores: one row per flagged message and category, every part explained.

A long table rather than a nested column of gold.message_scores: flat columns are what the
contracts check and what SQL, duckdb and the dashboards read without unnesting structs. Per
row: the category score (1 - prod(1 - weight) over its distinct rules), its parts (``rule_ids``
with ``rule_weights``, parallel lists) and every matched span (``span_starts``/``span_ends``,
character offsets in ``text_redacted`` of gold.message_scores, with ``span_rule_ids``).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from models.rules.scorer import RuleHit, RuleScorer, score, severity_of

MESSAGE_COLUMNS = (
    "message_id",
    "event_date",
    "sent_at",
    "chat_id",
    "team",
    "employee_token",
    "counterpart_token",
    "sender_token",
    "direction",
)
CATEGORY_SCORES_SCHEMA = {
    "message_id": pl.Utf8,
    "category": pl.Utf8,
    "event_date": pl.Date,
    "sent_at": pl.Datetime("us", "UTC"),
    "chat_id": pl.Utf8,
    "team": pl.Utf8,
    "employee_token": pl.Utf8,
    "counterpart_token": pl.Utf8,
    "sender_token": pl.Utf8,
    "direction": pl.Utf8,
    "score": pl.Float64,
    "severity": pl.Utf8,
    "rule_ids": pl.List(pl.Utf8),
    "rule_weights": pl.List(pl.Float64),
    "span_starts": pl.List(pl.Int32),
    "span_ends": pl.List(pl.Int32),
    "span_rule_ids": pl.List(pl.Utf8),
}


def category_rows(hits: Sequence[RuleHit]) -> list[dict]:
    """One dict per category of ``hits``: score, severity, parts and spans."""
    by_category: dict[str, list[RuleHit]] = {}
    for hit in hits:
        by_category.setdefault(hit.category, []).append(hit)
    rows = []
    for category, group in sorted(by_category.items()):
        weights: dict[str, float] = {}
        for hit in group:
            weights[hit.rule_id] = max(hit.weight, weights.get(hit.rule_id, 0.0))
        spans = sorted(group, key=lambda h: (h.start, h.end, h.rule_id))
        rows.append(
            {
                "category": category,
                "score": score(group),
                "severity": severity_of(group),
                "rule_ids": sorted(weights),
                "rule_weights": [weights[r] for r in sorted(weights)],
                "span_starts": [h.start for h in spans],
                "span_ends": [h.end for h in spans],
                "span_rule_ids": [h.rule_id for h in spans],
            }
        )
    return rows


def score_categories(flagged: pl.DataFrame, scorer: RuleScorer) -> pl.DataFrame:
    """Rows of gold.message_scores (with ``text_redacted``) -> one row per message and category.

    The rules run again on the flagged messages only (a small share of all messages), so the
    offsets point into the same redacted text the reviewer sees.
    """
    if flagged.is_empty():
        return pl.DataFrame(schema=CATEGORY_SCORES_SCHEMA)
    texts = flagged.get_column("text_redacted").fill_null("").to_list()
    records = []
    for message, hits in zip(
        flagged.select(MESSAGE_COLUMNS).iter_rows(named=True),
        scorer.hits_many(texts),
        strict=True,
    ):
        records += [{**message, **row} for row in category_rows(hits)]
    if not records:
        return pl.DataFrame(schema=CATEGORY_SCORES_SCHEMA)
    frame = pl.DataFrame(records, schema=CATEGORY_SCORES_SCHEMA)
    return frame.select(list(CATEGORY_SCORES_SCHEMA))
