"""The weekly trend asset in Dagster: a day's run rebuilds its whole week and leaves other weeks
alone, a review rebuilds the alert's older week, and the generated contract check validates the
weeks the run touched (the table has no event_date)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import dagster as dg
import polars as pl
import pytest

from data_contracts import load_contracts
from data_contracts.validation import validate_table
from pipelines import lake
from pipelines.analytics.misconduct_trend import ALERTS_SCHEMA, REVIEWS_SCHEMA
from pipelines.conform.participants import PARTICIPANTS_SCHEMA
from pipelines.defs.analytics.assets import gold_misconduct_trend_weekly
from pipelines.defs.checks import checks, run_rows
from pipelines.defs.resources import FirmResource, LakehouseResource

TABLE = "gold.misconduct_trend_weekly"
W1, W2 = date(2025, 11, 10), date(2025, 11, 17)
CIVIL, PENAL = "P-0a1b2c3d4e5f", "P-1b2c3d4e5f60"
CHECK = next(
    c
    for c in checks
    if dg.AssetKey(["gold", "misconduct_trend_weekly"]) in {k.asset_key for k in c.check_keys}
)


def score_rows(rows: list[tuple]) -> pl.DataFrame:
    """(message_id, event_date, team, categories, rule_ids) as gold.message_scores columns."""
    return pl.DataFrame(
        rows,
        schema={
            "message_id": pl.Utf8,
            "event_date": pl.Date,
            "team": pl.Utf8,
            "categories": pl.List(pl.Utf8),
            "rule_ids": pl.List(pl.Utf8),
        },
        orient="row",
    )


@pytest.fixture
def lakehouse(tmp_path) -> str:
    base = str(tmp_path / "lakehouse")
    people = pl.DataFrame(
        [
            (CIVIL, "employee", "Civil"),
            (PENAL, "employee", "Penal"),
            ("P-9f8e7d6c5b4a", "client", None),
        ],
        schema={"token": pl.Utf8, "role": pl.Utf8, "team": pl.Utf8},
        orient="row",
    )
    full = people.with_columns(
        pl.lit(None, dtype).alias(name)
        for name, dtype in PARTICIPANTS_SCHEMA.items()
        if name not in people.columns
    ).select(list(PARTICIPANTS_SCHEMA))
    lake.overwrite(full, "silver.participants", base=base)
    lake.append(
        score_rows(
            [
                ("M-1", date(2025, 11, 12), "Civil", ["bribery"], ["bribery.pt.propina"]),
                ("M-2", date(2025, 11, 19), "Civil", ["bribery"], ["bribery.pt.propina"]),
                ("M-3", date(2025, 11, 23), "Penal", ["threat"], ["threat.pt.ameaca"]),
            ]
        ),
        "gold.message_scores",
        partition_by=["event_date"],
        base=base,
    )
    return base


def run_day(base: str, day: str, tmp_path, check: bool = False) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [gold_misconduct_trend_weekly, *([CHECK] if check else [])],
        partition_key=day,
        resources={
            "lakehouse": LakehouseResource(uri=base),
            "firm": FirmResource(landing_dir=str(tmp_path / "landing")),
        },
        instance=dg.DagsterInstance.ephemeral(),
    )


def week(base: str, monday: date) -> dict:
    frame = lake.read_table(TABLE, base).filter(pl.col("week_start") == monday)
    return {(r["category"], r["team"]): r for r in frame.iter_rows(named=True)}


def check_passed(result: dg.ExecuteInProcessResult) -> tuple[bool, str]:
    evaluation = result.get_asset_check_evaluations()[0]
    return evaluation.passed, evaluation.description or ""


def test_a_day_rebuilds_its_whole_week_only(lakehouse, tmp_path):
    result = run_day(lakehouse, "2025-11-19", tmp_path, check=True)
    assert result.success
    passed, description = check_passed(result)
    assert passed and description.endswith("rules passed"), description
    weeks = lake.read_table(TABLE, lakehouse)["week_start"].unique().to_list()
    assert weeks == [W2]
    rows = week(lakehouse, W2)
    # the Wednesday run also counted Sunday's message: the whole week is rebuilt
    assert rows[("bribery", "Civil")]["flagged_messages"] == 1
    assert rows[("threat", "Penal")]["flagged_messages"] == 1
    assert rows[("threat", "Penal")]["top_rule_ids"] == ["threat.pt.ameaca"]
    assert len(rows) == 2 * 7  # teams with employees x every rule category

    assert run_day(lakehouse, "2025-11-12", tmp_path).success
    lake.append(
        score_rows([("M-4", date(2025, 11, 13), "Civil", ["bribery"], ["bribery.pt.propina"])]),
        "gold.message_scores",
        partition_by=["event_date"],
        base=lakehouse,
    )
    assert run_day(lakehouse, "2025-11-20", tmp_path).success
    assert week(lakehouse, W1)[("bribery", "Civil")]["flagged_messages"] == 1  # left alone
    assert run_day(lakehouse, "2025-11-13", tmp_path).success
    assert week(lakehouse, W1)[("bribery", "Civil")]["flagged_messages"] == 2


def test_a_review_during_the_run_rebuilds_the_alerts_older_week(lakehouse, tmp_path):
    assert run_day(lakehouse, "2025-11-12", tmp_path).success
    opened = datetime(2025, 11, 12, 15, tzinfo=UTC)
    lake.overwrite(
        pl.DataFrame(
            [("A-1", "bribery", "Civil", opened)], schema=ALERTS_SCHEMA, orient="row"
        ).with_columns(severity=pl.lit("high")),  # other alert columns are ignored
        "gold.alerts",
        base=lakehouse,
    )
    lake.overwrite(
        pl.DataFrame(
            [("A-1", "resolve", "confirmed", datetime(2025, 11, 19, 15, tzinfo=UTC))],
            schema=REVIEWS_SCHEMA,
            orient="row",
        ),
        "gold.alert_reviews",
        base=lakehouse,
    )
    result = run_day(lakehouse, "2025-11-19", tmp_path)
    assert result.success
    bribery = week(lakehouse, W1)[("bribery", "Civil")]
    assert (bribery["alerts_opened"], bribery["confirmed"], bribery["false_positives"]) == (1, 1, 0)
    assert week(lakehouse, W2)[("bribery", "Civil")]["alerts_opened"] == 0


def test_the_contract_check_scopes_the_weeks_and_fails_on_a_corrupted_one(lakehouse, tmp_path):
    assert run_day(lakehouse, "2025-11-19", tmp_path).success
    contract = load_contracts()[TABLE]
    where, scope = run_rows(contract, "2025-11-19", "2025-11-25")
    assert scope == "week_start 2025-11-17 .. 2025-11-24"
    assert validate_table(contract, lakehouse, where=where).passed
    frame = lake.read_table(TABLE, lakehouse).with_columns(confirmed=pl.lit(5, pl.Int64))
    lake.overwrite(frame, TABLE, base=lakehouse)  # as if a buggy writer had run
    failed = [r.description for r in validate_table(contract, lakehouse, where=where).errors]
    assert any("outcomes within alerts" in d for d in failed), failed
