"""gold.misconduct_trend_weekly: per category x team x ISO week, flags, alerts and review outcomes.

- ``flagged_messages``: gold.message_scores rows of that week (by event_date) holding the category
  (a message with two categories counts once in each).
- ``alerts_opened``: gold.alerts of that category and team whose ``first_seen`` (business-local
  date) falls in the week.
- ``confirmed`` / ``false_positives``: of those alerts, the ones whose latest review action in
  gold.alert_reviews has that outcome (a reopened alert counts in neither): the outcome stays with
  the week the alert was opened, so a week's false-positive share is comparable across weeks.
- ``top_rule_ids``: the category's rules that fired most that week (most first, ties by id).

Missing tables (alerts and reviews come later than scores) count as zero. The grid is dense:
every week x team x category asked for gets a row, zeros included, so trends have no gaps.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from pipelines.analytics.weeks import week_start_expr, weeks_between

MISCONDUCT_TREND_SCHEMA = {
    "week_start": pl.Date,
    "category": pl.Utf8,
    "team": pl.Utf8,
    "flagged_messages": pl.Int64,
    "alerts_opened": pl.Int64,
    "confirmed": pl.Int64,
    "false_positives": pl.Int64,
    "top_rule_ids": pl.List(pl.Utf8),
}
KEYS = ["week_start", "category", "team"]
COUNTS = ["flagged_messages", "alerts_opened", "confirmed", "false_positives"]
TOP_RULES = 3
ALERTS_SCHEMA = {
    "alert_id": pl.Utf8,
    "category": pl.Utf8,
    "team": pl.Utf8,
    "first_seen": pl.Datetime("us", "UTC"),
}
REVIEWS_SCHEMA = {
    "alert_id": pl.Utf8,
    "action": pl.Utf8,
    "outcome": pl.Utf8,
    "at": pl.Datetime("us", "UTC"),
}


def _local_date(column: str, timezone: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone(timezone).dt.date()


def flagged_by_week(scores: pl.LazyFrame) -> pl.LazyFrame:
    """Flagged messages and the top rules per week x category x team."""
    per_category = (
        scores.select(
            week_start_expr(pl.col("event_date")).alias("week_start"),
            pl.col("categories").alias("category"),
            "team",
            "rule_ids",
        )
        .explode("category")
        .drop_nulls("category")
    )
    counts = per_category.group_by(KEYS).agg(flagged_messages=pl.len())
    rules = (
        per_category.explode("rule_ids")
        .rename({"rule_ids": "rule_id"})
        .filter(pl.col("rule_id").str.starts_with(pl.col("category") + "."))
        .group_by([*KEYS, "rule_id"])
        .agg(hits=pl.len())
        .group_by(KEYS)
        .agg(
            top_rule_ids=pl.col("rule_id")
            .sort_by(["hits", "rule_id"], descending=[True, False])
            .head(TOP_RULES)
        )
    )
    return counts.join(rules, on=KEYS, how="left", nulls_equal=True)


def latest_outcomes(reviews: pl.LazyFrame) -> pl.LazyFrame:
    """alert_id -> the outcome of its latest review action (null if that action has none)."""
    return (
        reviews.sort("at", maintain_order=True)
        .group_by("alert_id")
        .agg(outcome=pl.col("outcome").last())
    )


def alerts_by_week(
    alerts: pl.LazyFrame, reviews: pl.LazyFrame | None, timezone: str
) -> pl.LazyFrame:
    """Alerts opened, confirmed and false positives per week x category x team."""
    opened = alerts.group_by("alert_id").agg(
        pl.col("category").first(), pl.col("team").first(), pl.col("first_seen").min()
    )
    if reviews is not None:
        opened = opened.join(latest_outcomes(reviews), on="alert_id", how="left")
    else:
        opened = opened.with_columns(outcome=pl.lit(None, pl.Utf8))
    return (
        opened.with_columns(week_start=week_start_expr(_local_date("first_seen", timezone)))
        .group_by(KEYS)
        .agg(
            alerts_opened=pl.len(),
            confirmed=(pl.col("outcome") == "confirmed").sum(),
            false_positives=(pl.col("outcome") == "false_positive").sum(),
        )
    )


def weeks_to_rebuild(
    first: date,
    last: date,
    alerts: pl.LazyFrame | None,
    reviews: pl.LazyFrame | None,
    timezone: str,
) -> list[date]:
    """The weeks a run over event dates ``first..last`` must rebuild: the weeks those dates touch,
    plus the opening weeks of alerts reviewed on those dates (a review changes an older week)."""
    weeks = set(weeks_between(first, last))
    if alerts is not None and reviews is not None:
        reviewed = (
            reviews.filter(_local_date("at", timezone).is_between(first, last))
            .select("alert_id")
            .unique()
            .join(alerts.select("alert_id", "first_seen"), on="alert_id")
            .select(week_start_expr(_local_date("first_seen", timezone)).alias("week_start"))
            .unique()
            .collect()
        )
        weeks |= set(reviewed.get_column("week_start").to_list())
    return sorted(weeks)


def misconduct_trend_weekly(
    scores: pl.LazyFrame,
    alerts: pl.LazyFrame | None,
    reviews: pl.LazyFrame | None,
    *,
    weeks: Iterable[date],
    teams: Iterable[str],
    categories: Iterable[str],
    timezone: str,
) -> pl.DataFrame:
    """The rows of ``weeks``: every week x team x category (teams and categories seen in the data
    are added), zero where nothing happened. Inputs may hold other weeks; they are ignored."""
    weeks = sorted(set(weeks))
    in_weeks = pl.col("week_start").is_in(pl.Series(weeks, dtype=pl.Date).implode())
    parts = [flagged_by_week(scores).filter(in_weeks)]
    if alerts is not None:
        parts.append(alerts_by_week(alerts, reviews, timezone).filter(in_weeks))
    found = [part.collect() for part in parts]
    grid = (
        pl.DataFrame({"week_start": weeks}, schema={"week_start": pl.Date})
        .join(
            pl.DataFrame({"category": sorted(set(categories))}, schema={"category": pl.Utf8}),
            how="cross",
        )
        .join(pl.DataFrame({"team": sorted(set(teams))}, schema={"team": pl.Utf8}), how="cross")
    )
    keys = pl.concat([grid, *(part.select(KEYS) for part in found)]).unique()
    trend = keys
    for part in found:
        trend = trend.join(part, on=KEYS, how="left", nulls_equal=True)
    for name in COUNTS:
        if name not in trend.columns:
            trend = trend.with_columns(pl.lit(0).alias(name))
    if "top_rule_ids" not in trend.columns:
        trend = trend.with_columns(pl.lit(None, pl.List(pl.Utf8)).alias("top_rule_ids"))
    return (
        trend.with_columns(
            pl.col(COUNTS).fill_null(0),
            pl.col("top_rule_ids").fill_null(pl.lit([], pl.List(pl.Utf8))),
        )
        .select(list(MISCONDUCT_TREND_SCHEMA))
        .cast(MISCONDUCT_TREND_SCHEMA)
        .sort(KEYS, nulls_last=True)
    )
