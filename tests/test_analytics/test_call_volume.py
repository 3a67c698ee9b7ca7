"""gold.call_volume_daily: per agent and day, directions, answered rate, billed durations of
answered calls (mean, linear p90), and the governance counts (null until joined in)."""

from __future__ import annotations

import statistics
from datetime import date

import polars as pl
import pytest

from pipelines.analytics.call_volume import CALL_VOLUME_SCHEMA, call_volume_daily

DAY, NEXT = date(2025, 11, 19), date(2025, 11, 20)
ANA, BIA = "P-0a1b2c3d4e5f", "P-1b2c3d4e5f60"


def calls(rows: list[tuple]) -> pl.LazyFrame:
    """(call_id, event_date, employee, direction, answered, billsec) rows in silver.calls' shape."""
    return pl.LazyFrame(
        [(cid, day, "Contencioso", emp, d, a, s) for cid, day, emp, d, a, s in rows],
        schema={
            "call_id": pl.Utf8,
            "event_date": pl.Date,
            "team": pl.Utf8,
            "employee_token": pl.Utf8,
            "direction": pl.Utf8,
            "answered": pl.Boolean,
            "billsec_s": pl.Int64,
        },
        orient="row",
    )


def by_agent(frame: pl.DataFrame) -> dict:
    return {(r["event_date"], r["employee_token"]): r for r in frame.iter_rows(named=True)}


@pytest.mark.parametrize(
    "billed",
    [
        [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
        [7],
        [5, 300],
        [61, 12, 600, 45, 45, 3, 1200],
    ],
)
def test_mean_and_p90_of_answered_calls_match_the_statistics_module(billed):
    rows = [(f"c{i}", DAY, ANA, "outbound", True, s) for i, s in enumerate(billed)]
    rows += [("missed", DAY, ANA, "inbound", False, 0)]  # unanswered: not a duration
    row = by_agent(call_volume_daily(calls(rows)))[(DAY, ANA)]
    expected_p90 = (
        statistics.quantiles(billed, n=10, method="inclusive")[8] if len(billed) > 1 else billed[0]
    )
    assert row["avg_duration_s"] == pytest.approx(statistics.fmean(billed))
    assert row["p90_duration_s"] == pytest.approx(expected_p90)
    assert row["calls"] == len(billed) + 1 and row["answered"] == len(billed)
    assert row["answered_rate"] == pytest.approx(len(billed) / (len(billed) + 1))


def test_directions_and_agents_and_days_are_separate():
    frame = call_volume_daily(
        calls(
            [
                ("1", DAY, ANA, "inbound", True, 30),
                ("2", DAY, ANA, "inbound", False, 0),
                ("3", DAY, ANA, "outbound", True, 60),
                ("4", DAY, ANA, "internal", True, 10),
                ("5", DAY, BIA, "outbound", False, 0),
                ("6", NEXT, ANA, "outbound", True, 90),
                ("7", DAY, None, "unknown", True, 500),  # no employee on the call: no agent row
            ]
        )
    )
    rows = by_agent(frame)
    assert set(rows) == {(DAY, ANA), (DAY, BIA), (NEXT, ANA)}
    ana = rows[(DAY, ANA)]
    assert (ana["calls"], ana["calls_in"], ana["calls_out"], ana["calls_internal"]) == (4, 2, 1, 1)
    assert ana["answered"] == 3 and ana["answered_rate"] == pytest.approx(0.75)
    assert ana["avg_duration_s"] == pytest.approx((30 + 60 + 10) / 3)
    assert rows[(NEXT, ANA)]["calls"] == 1


def test_no_answered_call_leaves_durations_null_and_the_rate_zero():
    row = by_agent(call_volume_daily(calls([("1", DAY, BIA, "outbound", False, 0)])))[(DAY, BIA)]
    assert row["answered_rate"] == 0.0
    assert row["avg_duration_s"] is None and row["p90_duration_s"] is None


def test_governance_counts_are_null_until_the_tables_are_given():
    frame = call_volume_daily(calls([("1", DAY, ANA, "outbound", True, 30)]))
    assert frame["dnc_calls"].null_count() == frame.height
    assert frame["no_consent_calls"].null_count() == frame.height
    assert frame.schema == pl.Schema(CALL_VOLUME_SCHEMA)


def test_governance_counts_count_flagged_calls_per_agent_and_zero_elsewhere():
    rows = [
        ("1", DAY, ANA, "outbound", True, 30),
        ("2", DAY, ANA, "outbound", False, 0),
        ("3", DAY, BIA, "outbound", True, 30),
    ]
    dnc = pl.LazyFrame({"call_id": ["1", "2", "2"], "registered_on": [DAY, DAY, DAY]})
    no_consent = pl.LazyFrame({"call_id": ["3", "unknown-call"]})
    frame = by_agent(call_volume_daily(calls(rows), dnc=dnc, no_consent=no_consent))
    assert (frame[(DAY, ANA)]["dnc_calls"], frame[(DAY, ANA)]["no_consent_calls"]) == (2, 0)
    assert (frame[(DAY, BIA)]["dnc_calls"], frame[(DAY, BIA)]["no_consent_calls"]) == (0, 1)
    assert frame[(DAY, ANA)]["calls"] == 2  # the join does not duplicate calls
