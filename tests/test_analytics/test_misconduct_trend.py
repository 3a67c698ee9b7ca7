"""gold.misconduct_trend_weekly: ISO weeks, flagged messages per category, the top rules, alerts
by their local opening week, review outcomes from the latest action, absent tables as zero."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from pipelines.analytics.misconduct_trend import (
    ALERTS_SCHEMA,
    MISCONDUCT_TREND_SCHEMA,
    REVIEWS_SCHEMA,
    misconduct_trend_weekly,
    weeks_to_rebuild,
)
from pipelines.analytics.weeks import week_end, week_start, weeks_between, weeks_predicate

TZ = "America/Sao_Paulo"
W1, W2, W3 = date(2025, 11, 10), date(2025, 11, 17), date(2025, 11, 24)


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2025, 11, 17), date(2025, 11, 17)),  # a Monday is its own week start
        (date(2025, 11, 23), date(2025, 11, 17)),  # Sunday closes the week
        (date(2025, 11, 24), date(2025, 11, 24)),
        (date(2025, 1, 1), date(2024, 12, 30)),  # ISO week 1 of 2025 starts in 2024
        (date(2024, 12, 29), date(2024, 12, 23)),
    ],
)
def test_week_start(day, monday):
    assert week_start(day) == monday and week_end(day) == date.fromordinal(monday.toordinal() + 6)


def test_weeks_between_covers_every_week_touched():
    assert weeks_between(date(2025, 11, 16), date(2025, 11, 24)) == [W1, W2, W3]
    assert weeks_between(date(2025, 11, 18), date(2025, 11, 18)) == [W2]
    assert weeks_predicate([W2, W1, W2]) == "week_start IN ('2025-11-10', '2025-11-17')"


def scores(rows: list[tuple]) -> pl.LazyFrame:
    """(event_date, team, categories, rule_ids) rows of gold.message_scores."""
    return pl.LazyFrame(
        rows,
        schema={
            "event_date": pl.Date,
            "team": pl.Utf8,
            "categories": pl.List(pl.Utf8),
            "rule_ids": pl.List(pl.Utf8),
        },
        orient="row",
    )


def alerts(rows: list[tuple]) -> pl.LazyFrame:
    return pl.LazyFrame(rows, schema=ALERTS_SCHEMA, orient="row")


def reviews(rows: list[tuple]) -> pl.LazyFrame:
    return pl.LazyFrame(rows, schema=REVIEWS_SCHEMA, orient="row")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def build(
    score_rows,
    alert_rows=None,
    review_rows=None,
    weeks=(W2,),
    teams=("Civil",),
    categories=("bribery", "threat"),
) -> dict:
    frame = misconduct_trend_weekly(
        scores(score_rows),
        alerts(alert_rows) if alert_rows is not None else None,
        reviews(review_rows) if review_rows is not None else None,
        weeks=weeks,
        teams=teams,
        categories=categories,
        timezone=TZ,
    )
    assert frame.schema == pl.Schema(MISCONDUCT_TREND_SCHEMA)
    return {(r["week_start"], r["category"], r["team"]): r for r in frame.iter_rows(named=True)}


def test_flagged_messages_count_once_per_category_and_the_top_rules_are_the_categorys():
    rows = build(
        [
            (date(2025, 11, 17), "Civil", ["bribery"], ["bribery.a"]),
            (date(2025, 11, 18), "Civil", ["bribery", "threat"], ["bribery.b", "threat.x"]),
            (date(2025, 11, 19), "Civil", ["bribery"], ["bribery.b", "bribery.c"]),
            (date(2025, 11, 20), "Civil", ["bribery"], ["bribery.d"]),
            (date(2025, 11, 23), "Civil", ["bribery"], ["bribery.c", "bribery.a"]),
            (date(2025, 11, 24), "Civil", ["bribery"], ["bribery.z"]),  # next week: not in W2
        ]
    )
    bribery, threat = rows[(W2, "bribery", "Civil")], rows[(W2, "threat", "Civil")]
    assert bribery["flagged_messages"] == 5 and threat["flagged_messages"] == 1
    # a: 2, b: 2, c: 2, d: 1 -> three most frequent, ties by id; no threat rule among them
    assert bribery["top_rule_ids"] == ["bribery.a", "bribery.b", "bribery.c"]
    assert threat["top_rule_ids"] == ["threat.x"]


def test_the_grid_is_dense_and_absent_tables_count_zero():
    rows = build([], weeks=(W1, W2), teams=("Civil", "Penal"))
    assert len(rows) == 2 * 2 * 2
    assert all(
        (
            r["flagged_messages"],
            r["alerts_opened"],
            r["confirmed"],
            r["false_positives"],
            r["top_rule_ids"],
        )
        == (0, 0, 0, 0, [])
        for r in rows.values()
    )


def test_teams_and_categories_seen_in_the_data_are_added_to_the_grid():
    rows = build([(date(2025, 11, 18), "Penal", ["harassment"], ["harassment.x"])])
    assert rows[(W2, "harassment", "Penal")]["flagged_messages"] == 1
    assert (W2, "bribery", "Civil") in rows


def test_alerts_count_in_their_local_opening_week_with_the_latest_review_outcome():
    alert_rows = [
        ("a1", "bribery", "Civil", utc(2025, 11, 18, 12)),
        # Monday 01:00 UTC is Sunday 22:00 in São Paulo: still week W2
        ("a2", "bribery", "Civil", utc(2025, 11, 24, 1)),
        ("a3", "bribery", "Civil", utc(2025, 11, 19, 12)),
        ("a4", "threat", "Civil", utc(2025, 11, 20, 12)),
        ("a5", "bribery", "Civil", utc(2025, 11, 24, 12)),  # W3
        ("a6", "bribery", "Civil", utc(2025, 11, 21, 12)),
    ]
    review_rows = [
        ("a1", "claim", None, utc(2025, 11, 18, 13)),
        ("a1", "resolve", "confirmed", utc(2025, 11, 18, 14)),
        ("a2", "resolve", "false_positive", utc(2025, 11, 25, 9)),
        ("a2", "note", "false_positive", utc(2025, 11, 25, 10)),  # a note keeps the outcome
        ("a3", "resolve", "confirmed", utc(2025, 11, 19, 13)),
        ("a3", "reopen", None, utc(2025, 11, 19, 14)),  # reopened: neither
        ("a4", "resolve", "no_action", utc(2025, 11, 20, 13)),
        ("a6", "reopen", None, utc(2025, 11, 21, 14)),
        ("a6", "resolve", "false_positive", utc(2025, 11, 21, 15)),
    ]
    rows = build([], alert_rows, review_rows)
    bribery, threat = rows[(W2, "bribery", "Civil")], rows[(W2, "threat", "Civil")]
    assert (bribery["alerts_opened"], bribery["confirmed"], bribery["false_positives"]) == (4, 1, 2)
    assert (threat["alerts_opened"], threat["confirmed"], threat["false_positives"]) == (1, 0, 0)
    assert (W3, "bribery", "Civil") not in rows  # W3 was not asked for


def test_alerts_without_reviews_are_opened_only():
    rows = build([], [("a1", "threat", "Civil", utc(2025, 11, 18, 12))], None)
    threat = rows[(W2, "threat", "Civil")]
    assert (threat["alerts_opened"], threat["confirmed"], threat["false_positives"]) == (1, 0, 0)


def test_weeks_to_rebuild_adds_the_opening_week_of_alerts_reviewed_in_the_run():
    old = alerts(
        [
            ("a1", "bribery", "Civil", utc(2025, 11, 12, 12)),
            ("a2", "bribery", "Civil", utc(2025, 10, 1, 12)),
        ]
    )
    reviewed = reviews(
        [
            ("a1", "resolve", "confirmed", utc(2025, 11, 25, 12)),  # in the run: W1 changes
            ("a2", "resolve", "confirmed", utc(2025, 11, 20, 12)),  # before the run: already built
        ]
    )
    run = (date(2025, 11, 24), date(2025, 11, 25))
    assert weeks_to_rebuild(*run, old, reviewed, TZ) == [W1, W3]
    assert weeks_to_rebuild(*run, None, None, TZ) == [W3]
    assert weeks_to_rebuild(*run, old, None, TZ) == [W3]


def test_a_review_late_in_the_local_evening_belongs_to_that_local_day():
    old = alerts([("a1", "bribery", "Civil", utc(2025, 11, 12, 12))])
    # 2025-11-24 01:00 UTC is 2025-11-23 22:00 locally: outside a run over the 24th
    late = reviews([("a1", "resolve", "confirmed", utc(2025, 11, 24, 1))])
    assert weeks_to_rebuild(date(2025, 11, 24), date(2025, 11, 24), old, late, TZ) == [W3]
    assert weeks_to_rebuild(date(2025, 11, 23), date(2025, 11, 23), old, late, TZ) == [W1, W2]
