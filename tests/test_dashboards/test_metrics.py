"""Pure dashboard metrics (no Streamlit): after-hours rules, periods, KPIs, aggregations."""

from datetime import UTC, date, datetime

import polars as pl
import pytest

from dashboards import metrics
from dashboards.metrics import Kpi


def hours_frame(rows: list[tuple[int, int, int]], team: str = "A") -> pl.DataFrame:
    """(weekday, hour, contacts) rows in the gold.contact_timing shape."""
    return pl.DataFrame(
        [(date(2024, 3, 4), team, "P-000000000001", "message", w, h, c) for w, h, c in rows],
        schema={"event_date": pl.Date, "team": pl.Utf8, "employee_token": pl.Utf8,
                "channel": pl.Utf8, "weekday": pl.Int8, "hour": pl.Int8, "contacts": pl.Int64},
        orient="row",
    )


@pytest.mark.parametrize(
    ("weekday", "hour", "after_hours"),
    [
        (0, 7, True),    # Monday before 08:00
        (0, 8, False),   # opening hour is business time
        (2, 12, False),
        (4, 18, False),  # last business hour
        (4, 19, True),   # 19:00 is after hours
        (3, 23, True),
        (1, 0, True),
        (5, 12, True),   # Saturday noon
        (6, 10, True),   # Sunday
    ],
)
def test_after_hours_expr(weekday: int, hour: int, after_hours: bool) -> None:
    frame = hours_frame([(weekday, hour, 1)])
    assert frame.select(metrics.after_hours_expr()).item() is after_hours


@pytest.mark.parametrize(
    ("rows", "share"),
    [
        ([(0, 9, 3), (0, 20, 1)], 0.25),
        ([(5, 9, 2), (0, 10, 2)], 0.5),
        ([(0, 9, 4)], 0.0),
        ([(6, 3, 4)], 1.0),
        ([], None),            # no rows: no share, not 0 %
        ([(0, 9, 0)], None),   # rows without contacts
    ],
)
def test_after_hours_share(rows: list[tuple[int, int, int]], share: float | None) -> None:
    assert metrics.after_hours_share(hours_frame(rows)) == share


def test_after_hours_share_uses_the_given_business_hours() -> None:
    frame = hours_frame([(0, 8, 1), (0, 17, 1)])
    assert metrics.after_hours_share(frame, business_start=9, business_end=17) == 1.0
    assert metrics.after_hours_share(frame, business_start=8, business_end=18) == 0.0


def test_after_hours_by_team_splits_weekend_from_after_hours() -> None:
    frame = pl.concat([
        hours_frame([(0, 10, 6), (0, 21, 2), (5, 10, 2)], team="A"),
        hours_frame([(0, 10, 5)], team="B"),
        hours_frame([(0, 21, 0)], team="C"),   # no contacts: left out, no division by zero
    ])
    out = {row["team"]: row for row in metrics.after_hours_by_team(frame).iter_rows(named=True)}
    assert set(out) == {"A", "B"}
    assert out["A"]["contacts"] == 10
    assert out["A"]["after_hours_share"] == pytest.approx(0.4)
    assert out["A"]["weekend_share"] == pytest.approx(0.2)
    assert out["B"]["after_hours_share"] == 0.0


def flagged(frame: pl.DataFrame, business: list[bool]) -> pl.DataFrame:
    """The frame with gold.contact_timing's calendar flag set per row."""
    return frame.with_columns(pl.Series("is_business_hours", business))


@pytest.mark.parametrize(
    ("rows", "business", "share"),
    [
        # a Monday 10:00 that the calendar marks as a holiday counts as after hours
        ([(0, 10, 3), (1, 10, 1)], [False, True], 0.75),
        # the flag wins over the fixed hours both ways
        ([(0, 21, 2), (0, 10, 2)], [True, True], 0.0),
        ([(0, 10, 4)], [True], 0.0),
    ],
)
def test_after_hours_follow_the_tables_calendar_flag(rows, business, share) -> None:
    frame = flagged(hours_frame(rows), business)
    assert metrics.after_hours_share(frame) == share
    by_team = metrics.after_hours_by_team(frame).row(0, named=True)
    assert by_team["after_hours_share"] == share


def test_after_hours_trend_per_day() -> None:
    monday, saturday = hours_frame([(0, 10, 3), (0, 21, 1)]), hours_frame([(5, 10, 2)])
    saturday = saturday.with_columns(pl.lit(date(2024, 3, 9)).alias("event_date"))
    trend = metrics.after_hours_trend(pl.concat([monday, saturday]))
    values = {(r["metric"], r["event_date"]): r["share"] for r in trend.iter_rows(named=True)}
    assert values == {
        ("after hours", date(2024, 3, 4)): 0.25, ("weekend", date(2024, 3, 4)): 0.0,
        ("after hours", date(2024, 3, 9)): 1.0, ("weekend", date(2024, 3, 9)): 1.0,
    }
    assert metrics.after_hours_trend(hours_frame([(0, 9, 0)])).is_empty()


@pytest.mark.parametrize(
    ("start", "end", "previous"),
    [
        (date(2024, 3, 1), date(2024, 3, 28), (date(2024, 2, 2), date(2024, 2, 29))),
        (date(2024, 3, 1), date(2024, 3, 1), (date(2024, 2, 29), date(2024, 2, 29))),
        (date(2024, 1, 1), date(2024, 1, 7), (date(2023, 12, 25), date(2023, 12, 31))),
    ],
)
def test_previous_period_has_same_length_and_ends_the_day_before(start, end, previous) -> None:
    assert metrics.previous_period(start, end) == previous


@pytest.mark.parametrize(
    ("kpi", "delta"),
    [(Kpi(10, 7), 3), (Kpi(7, 10), -3), (Kpi(5, 5), 0), (Kpi(10, None), None),
     (Kpi(None, 0.2), None)],
)
def test_kpi_delta(kpi: Kpi, delta: float | None) -> None:
    assert kpi.delta == delta


@pytest.mark.parametrize(
    ("kpi", "shown"),
    [(Kpi(0.5, 0.25), "+25.0 pp"), (Kpi(0.25, 0.5), "-25.0 pp"), (Kpi(0.3, 0.3), 0),
     (Kpi(0.3, None), None), (Kpi(None, 0.3), None)],
)
def test_share_delta_in_percentage_points(kpi: Kpi, shown) -> None:
    assert metrics.share_delta(kpi) == shown


@pytest.mark.parametrize(
    ("value", "count", "share"),
    [(1234567, "1,234,567", "123456700.0%"), (0, "0", "0.0%"), (None, "–", "–")],
)
def test_formatting(value, count: str, share: str) -> None:
    assert metrics.format_count(value) == count
    assert metrics.format_share(value) == share


def frequency_frame(rows: list[tuple]) -> pl.DataFrame:
    """(day, employee, counterpart, channel, sent, received, calls, seconds) rows."""
    at = datetime(2024, 3, 1, 12, tzinfo=UTC)
    return pl.DataFrame(
        [(d, "A", e, c, ch, s, r, k, sec, at, at) for d, e, c, ch, s, r, k, sec in rows],
        schema={"event_date": pl.Date, "team": pl.Utf8, "employee_token": pl.Utf8,
                "counterpart_token": pl.Utf8, "channel": pl.Utf8, "messages_sent": pl.Int64,
                "messages_received": pl.Int64, "calls": pl.Int64, "call_seconds": pl.Int64,
                "first_contact_at": pl.Datetime("us", "UTC"),
                "last_contact_at": pl.Datetime("us", "UTC")},
        orient="row",
    )


D1, D2, D3 = date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3)
FREQ = frequency_frame([
    (D1, "P-e1", "P-c1", "message", 3, 2, 0, 0),
    (D2, "P-e1", "P-c1", "call", 0, 0, 2, 300),
    (D1, "P-e1", "P-c2", "message", 1, 0, 0, 0),
    (D3, "P-e2", "P-c1", "message", 4, 4, 0, 0),
])


def test_top_pairs_ranks_by_messages_plus_calls() -> None:
    pairs = metrics.top_pairs(FREQ)
    ranked = [(r["employee_token"], r["counterpart_token"], r["contacts"])
              for r in pairs.iter_rows(named=True)]
    assert ranked == [("P-e2", "P-c1", 8), ("P-e1", "P-c1", 7), ("P-e1", "P-c2", 1)]
    e1c1 = pairs.row(1, named=True)
    assert (e1c1["calls"], e1c1["call_minutes"], e1c1["active_days"]) == (2, 5.0, 2)
    assert metrics.top_pairs(FREQ, limit=1).height == 1


def test_by_channel_counts_distinct_pairs() -> None:
    out = {r["channel"]: r for r in metrics.by_channel(FREQ).iter_rows(named=True)}
    message, call = out["message"], out["call"]
    assert (message["contacts"], message["pairs"], message["employees"]) == (14, 3, 2)
    assert (call["contacts"], call["pairs"], call["call_minutes"]) == (2, 1, 5.0)


def test_daily_trend_fills_days_without_contacts() -> None:
    trend = metrics.daily_trend(FREQ.filter(pl.col("event_date") != D2), D1, D3)
    values = {(r["metric"], r["event_date"]): r["value"] for r in trend.iter_rows(named=True)}
    assert len(values) == 6
    assert values[("messages", D1)] == 6
    assert values[("messages", D2)] == 0
    assert values[("calls", D2)] == 0
    assert values[("messages", D3)] == 8


def test_period_totals_of_an_empty_period() -> None:
    empty = metrics.period_totals(FREQ.head(0), hours_frame([]), pl.DataFrame())
    assert empty == {"messages": 0, "calls": 0, "counterparts": 0, "flagged": 0,
                     "after_hours_share": None}


@pytest.mark.parametrize(("previous_has_data", "delta"), [(True, 5), (False, None)])
def test_kpis_compare_only_with_a_period_that_has_data(previous_has_data: bool, delta) -> None:
    current = {"messages": 10, "after_hours_share": None}
    previous = {"messages": 5, "after_hours_share": 0.5}
    out = metrics.kpis(current, previous, previous_has_data)
    assert out["messages"].delta == delta
    assert out["after_hours_share"].delta is None


def test_hour_weekday_grid_has_every_cell() -> None:
    grid = metrics.hour_weekday_grid(hours_frame([(0, 9, 2), (0, 9, 3), (6, 23, 1)]))
    assert grid.height == 7 * 24
    cells = {(r["day"], r["hour"]): r["contacts"] for r in grid.iter_rows(named=True)}
    assert cells[("Mon", 9)] == 5
    assert cells[("Sun", 23)] == 1
    assert cells[("Tue", 9)] == 0


SCORES = pl.DataFrame(
    {
        "score": [0.9, 0.5, 0.2, 0.8],
        "severity": ["high", "medium", "low", "high"],
        "categories": [["bribery"], ["harassment"], ["bribery", "off_channel"], []],
        "sent_at": [datetime(2024, 3, d, tzinfo=UTC) for d in (1, 2, 3, 4)],
    }
)


@pytest.mark.parametrize(
    ("categories", "severities", "scores"),
    [
        ([], [], [0.9, 0.8, 0.5, 0.2]),
        (["bribery"], [], [0.9, 0.2]),
        (["off_channel", "harassment"], [], [0.5, 0.2]),
        ([], ["high"], [0.9, 0.8]),
        (["bribery"], ["high"], [0.9]),
        (["insider_info"], [], []),
        ([], ["critical"], []),
    ],
)
def test_filter_scores(categories, severities, scores) -> None:
    assert metrics.filter_scores(SCORES, categories, severities)["score"].to_list() == scores


def test_category_counts_count_each_category_of_a_message() -> None:
    counts = dict(metrics.category_counts(SCORES).iter_rows())
    assert counts == {"bribery": 2, "harassment": 1, "off_channel": 1}
    assert metrics.category_options(SCORES) == ["bribery", "harassment", "off_channel"]
