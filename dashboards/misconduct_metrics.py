"""Misconduct trend metrics over gold.misconduct_trend_weekly and flagged-message rule ids
(polars in, polars out; no text is ever read here)."""

from __future__ import annotations

import polars as pl

COUNTS = ["flagged_messages", "alerts_opened", "confirmed", "false_positives"]


def by_week(trend: pl.DataFrame) -> pl.DataFrame:
    """Flagged messages per week and category (all teams of the selection summed)."""
    return (
        trend.group_by("week_start", "category")
        .agg(pl.col("flagged_messages").sum())
        .sort(["week_start", "category"])
    )


def by_team(trend: pl.DataFrame) -> pl.DataFrame:
    """Per team and category: flags, alerts, confirmed, false positives and the false-positive
    share of the reviewed alerts (None before any review)."""
    reviewed = pl.col("confirmed") + pl.col("false_positives")
    return (
        trend.group_by("team", "category")
        .agg(pl.col(COUNTS).sum())
        .with_columns(
            pl.when(reviewed > 0)
            .then(pl.col("false_positives") / reviewed)
            .otherwise(None)
            .alias("false_positive_share")
        )
        .sort(["flagged_messages", "team", "category"], descending=[True, False, False])
    )


def rules_fired(scores: pl.DataFrame) -> pl.DataFrame:
    """How many flagged messages each rule fired on, with its category (the id's first part)."""
    return (
        scores.select(pl.col("rule_ids").explode().alias("rule_id"))
        .drop_nulls()
        .group_by("rule_id")
        .len("messages")
        .with_columns(pl.col("rule_id").str.split(".").list.first().alias("category"))
        .sort(["messages", "rule_id"], descending=[True, False])
        .select("rule_id", "category", "messages")
    )
