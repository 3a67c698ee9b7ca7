"""gold.message_scores: each redacted message that a misconduct rule fired on, with the rules."""

from __future__ import annotations

import polars as pl

from models.rules.scorer import RuleScorer, score, severity_of

MESSAGE_SCORES_SCHEMA = {
    "message_id": pl.Utf8,
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
    "categories": pl.List(pl.Utf8),
    "rule_ids": pl.List(pl.Utf8),
    "text_redacted": pl.Utf8,
}


def score_messages(messages: pl.DataFrame, scorer: RuleScorer) -> pl.DataFrame:
    """Run the rules over the redacted text; keep the messages with at least one hit."""
    candidates = messages.filter(
        (pl.col("kind") == "message") & pl.col("text_redacted").str.len_chars().gt(0)
    )
    all_hits = scorer.hits_many(candidates.get_column("text_redacted").to_list())
    flagged = [i for i, hits in enumerate(all_hits) if hits]
    hits = [all_hits[i] for i in flagged]
    scored = candidates[flagged].with_columns(
        pl.Series("score", [score(h) for h in hits], dtype=pl.Float64),
        pl.Series("severity", [severity_of(h) for h in hits], dtype=pl.Utf8),
        pl.Series(
            "categories", [sorted({x.category for x in h}) for h in hits], dtype=pl.List(pl.Utf8)
        ),
        pl.Series(
            "rule_ids", [sorted({x.rule_id for x in h}) for h in hits], dtype=pl.List(pl.Utf8)
        ),
    )
    return scored.select(list(MESSAGE_SCORES_SCHEMA)).cast(MESSAGE_SCORES_SCHEMA)
