"""What a new or changed rule file would change in the message history (`vigia backtest`).

The candidate rule set is the current one with the file's rules in: rules with the same id are
replaced and new ids are added (to see a rule's removal, backtest a version of it that cannot
match). Both sets score the same messages (silver.messages, redacted text); the result counts,
per category and ISO week, the messages labelled before and after, how many the change adds
and removes, and the same for alerts, counted as distinct chat x category x week.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from models.rules.loader import load_rule_file
from models.rules.schema import Rule, RuleFileError
from models.rules.scorer import RuleScorer, category_scores
from models.rules.thresholds import labels_of

CHANGES_SCHEMA = {
    "category": pl.Utf8,
    "week": pl.Utf8,
    "flagged_before": pl.Int64,
    "flagged_after": pl.Int64,
    "added": pl.Int64,
    "removed": pl.Int64,
    "alerts_before": pl.Int64,
    "alerts_after": pl.Int64,
    "alerts_added": pl.Int64,
    "alerts_removed": pl.Int64,
}


@dataclass(frozen=True)
class Candidate:
    rules: list[Rule]
    replaced: list[str]
    added: list[str]


def candidate_rules(current: Sequence[Rule], path: Path) -> Candidate:
    """The current rules with the rules of `path` in (see the module docstring)."""
    path = Path(path)
    new = load_rule_file(path)
    ids = [r.id for r in new]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise RuleFileError(path, duplicate, "duplicate id in the file: ids must be unique")
    current_ids = {r.id for r in current}
    return Candidate(
        rules=[r for r in current if r.id not in set(ids)] + new,
        replaced=sorted(set(ids) & current_ids),
        added=sorted(set(ids) - current_ids),
    )


def message_labels(
    scorer: RuleScorer, texts: Sequence[str], thresholds: Mapping[str, float]
) -> list[list[str]]:
    return [labels_of(category_scores(h), thresholds) for h in scorer.hits_many(texts)]


def _long(messages: pl.DataFrame, labels: Sequence[Sequence[str]], flag: str) -> pl.DataFrame:
    return (
        messages.select("message_id", "chat_id", "week")
        .with_columns(pl.Series("category", [list(x) for x in labels], dtype=pl.List(pl.Utf8)))
        .explode("category")
        .drop_nulls("category")
        .with_columns(pl.lit(True).alias(flag))
    )


def weekly_changes(
    messages: pl.DataFrame, before: Sequence[Sequence[str]], after: Sequence[Sequence[str]]
) -> pl.DataFrame:
    """Per category and ISO week: messages and alerts labelled before / after the change.

    `messages` has message_id, chat_id and event_date; `before` / `after` are the labels of
    each message under the current and the candidate rules.
    """
    messages = messages.with_columns(
        pl.format(
            "{}-W{}",
            pl.col("event_date").dt.iso_year(),
            pl.col("event_date").dt.week().cast(pl.Utf8).str.zfill(2),
        ).alias("week")
    )
    keys = ["message_id", "chat_id", "week", "category"]
    flags = (
        _long(messages, before, "before")
        .join(_long(messages, after, "after"), on=keys, how="full", coalesce=True)
        .with_columns(pl.col("before", "after").fill_null(False))
    )
    if flags.is_empty():
        return pl.DataFrame(schema=CHANGES_SCHEMA)
    per_message = flags.group_by("category", "week").agg(
        flagged_before=pl.col("before").sum(),
        flagged_after=pl.col("after").sum(),
        added=(pl.col("after") & ~pl.col("before")).sum(),
        removed=(pl.col("before") & ~pl.col("after")).sum(),
    )
    alerts = (
        flags.group_by("chat_id", "category", "week")
        .agg(pl.col("before").any(), pl.col("after").any())
        .group_by("category", "week")
        .agg(
            alerts_before=pl.col("before").sum(),
            alerts_after=pl.col("after").sum(),
            alerts_added=(pl.col("after") & ~pl.col("before")).sum(),
            alerts_removed=(pl.col("before") & ~pl.col("after")).sum(),
        )
    )
    return (
        per_message.join(alerts, on=["category", "week"])
        .select(list(CHANGES_SCHEMA))
        .cast(CHANGES_SCHEMA)
        .sort("category", "week")
    )


def backtest(
    messages: pl.DataFrame,
    current: RuleScorer,
    candidate: RuleScorer,
    thresholds: Mapping[str, float],
) -> pl.DataFrame:
    """`weekly_changes` of scoring `messages` (text_redacted) with both rule sets."""
    texts = messages.get_column("text_redacted").to_list()
    return weekly_changes(
        messages,
        message_labels(current, texts, thresholds),
        message_labels(candidate, texts, thresholds),
    )
