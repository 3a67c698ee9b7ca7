"""The weekly contact-volume report on a small generated firm: every number in the CSV files is
recomputed row by row from the gold tables, and no generated name, phone, e-mail or CPF appears
in the HTML or the CSV files."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.reports.contact_volume import build_contact_volume_report, load_weeks
from pipelines.reports.storage import write_report
from tests.test_analytics.small_firm import identifiers, leaks, small_firm

WEEK = date(2025, 11, 17)  # holds the 2025-11-20 holiday
PREVIOUS = WEEK - timedelta(days=7)


@pytest.fixture(scope="module")
def firm(tmp_path_factory):
    root = small_firm(tmp_path_factory)
    base = str(root / "lakehouse")
    report = build_contact_volume_report(load_weeks(base, WEEK), WEEK)
    written = write_report(report, str(tmp_path_factory.mktemp("reports")))
    files = {Path(path).name: Path(path) for path in written}
    return {"root": root, "base": base, "report": report, "files": files}


def rows(firm, table: str, start: date) -> list[dict]:
    """The table's rows of the week starting ``start``, as plain dicts."""
    frame = lake.read_table(table, firm["base"])
    end = start + timedelta(days=6)
    return [r for r in frame.iter_rows(named=True) if start <= r["event_date"] <= end]


def csv(firm, name: str) -> pl.DataFrame:
    return pl.read_csv(firm["files"][f"{name}.csv"])


def test_writes_the_html_and_every_csv(firm):
    assert sorted(firm["files"]) == sorted(
        [
            "report.html",
            "summary.csv",
            "teams.csv",
            "daily.csv",
            "hour_weekday.csv",
            "employees.csv",
        ]
    )
    assert all(path.parent.name == "2025-11-17" for path in firm["files"].values())
    assert all(path.parent.parent.name == "contact_volume" for path in firm["files"].values())


def test_team_numbers_match_the_gold_tables(firm):
    expected: dict[str, Counter] = defaultdict(Counter)
    for r in rows(firm, "gold.contact_frequency_daily", WEEK):
        expected[r["team"]]["messages_sent"] += r["messages_sent"]
        expected[r["team"]]["messages_received"] += r["messages_received"]
    for r in rows(firm, "gold.call_volume_daily", WEEK):
        expected[r["team"]]["calls"] += r["calls"]
    for r in rows(firm, "gold.contact_timing", WEEK):
        expected[r["team"]]["contacts"] += r["contacts"]
        expected[r["team"]]["after_hours_contacts"] += (
            0 if r["is_business_hours"] else r["contacts"]
        )
        expected[r["team"]]["holiday_contacts"] += r["contacts"] if r["is_holiday"] else 0
    teams = csv(firm, "teams")
    assert set(teams["team"]) == set(expected) and expected
    for row in teams.iter_rows(named=True):
        want = expected[row["team"]]
        for column in (
            "messages_sent",
            "messages_received",
            "calls",
            "contacts",
            "after_hours_contacts",
            "holiday_contacts",
        ):
            assert row[column] == want[column], (row["team"], column)
        assert row["after_hours_share"] == pytest.approx(
            want["after_hours_contacts"] / want["contacts"]
        )
    assert sum(expected[t]["holiday_contacts"] for t in expected) > 0  # the holiday was seen


def test_the_summary_compares_with_the_previous_week(firm):
    summary = {r["metric"]: r for r in csv(firm, "summary").iter_rows(named=True)}
    for start, column in ((WEEK, "this_week"), (PREVIOUS, "previous_week")):
        timing = rows(firm, "gold.contact_timing", start)
        contacts = sum(r["contacts"] for r in timing)
        after = sum(r["contacts"] for r in timing if not r["is_business_hours"])
        calls = rows(firm, "gold.call_volume_daily", start)
        assert summary["contacts"][column] == contacts
        assert summary["after_hours_share"][column] == pytest.approx(after / contacts)
        assert summary["calls"][column] == sum(r["calls"] for r in calls)
        assert summary["answered_rate"][column] == pytest.approx(
            sum(r["answered"] for r in calls) / sum(r["calls"] for r in calls)
        )
        assert summary["employees"][column] == len({r["employee_token"] for r in timing})
    assert summary["contacts"]["change"] == (
        summary["contacts"]["this_week"] - summary["contacts"]["previous_week"]
    )


def test_days_hours_and_employees_match_the_gold_tables(firm):
    daily = csv(firm, "daily").with_columns(pl.col("event_date").str.to_date())
    assert daily["event_date"].unique().sort().to_list() == [
        WEEK + timedelta(days=n) for n in range(7)
    ]
    messages = Counter()
    for r in rows(firm, "gold.contact_frequency_daily", WEEK):
        messages[r["event_date"]] += r["messages_sent"] + r["messages_received"]
    assert dict(daily.group_by("event_date").agg(pl.col("messages").sum()).iter_rows()) == {
        day: messages[day] for day in daily["event_date"].unique()
    }
    timing = rows(firm, "gold.contact_timing", WEEK)
    cells, people = Counter(), defaultdict(Counter)
    for r in timing:
        cells[(r["weekday"], r["hour"])] += r["contacts"]
        people[r["employee_token"]]["contacts"] += r["contacts"]
        people[r["employee_token"]]["after"] += 0 if r["is_business_hours"] else r["contacts"]
    grid = csv(firm, "hour_weekday")
    assert grid.height == 7 * 24
    assert {(w, h): c for w, _, h, c in grid.iter_rows() if c} == dict(cells)
    employees = csv(firm, "employees")
    for row in employees.iter_rows(named=True):
        assert row["contacts"] == people[row["employee_token"]]["contacts"]
        assert row["after_hours_contacts"] == people[row["employee_token"]]["after"]
    after = employees["after_hours_contacts"].to_list()
    assert after == sorted(after, reverse=True)


def test_html_has_charts_tables_and_no_personal_data(firm):
    html = firm["files"]["report.html"].read_text(encoding="utf-8")
    assert "Contact volume, week of 2025-11-17" in html
    assert html.count("vegaEmbed(") == 3 and "cdn.jsdelivr.net/npm/vega-lite@" in html
    contacts = csv(firm, "summary").filter(pl.col("metric") == "contacts")["this_week"].item()
    assert f"<td>{int(contacts):,}</td>" in html
    values = identifiers(firm["root"])
    assert len(values) > 50
    found = leaks(html, values)
    for path in firm["files"].values():
        found += leaks(path.read_text(encoding="utf-8"), values)
    assert found == []
    tokens = set(csv(firm, "employees")["employee_token"])
    assert tokens and all(token.startswith("P-") and token in html for token in tokens)


def test_a_lakehouse_without_tables_gives_an_empty_report(tmp_path):
    report = build_contact_volume_report(load_weeks(str(tmp_path / "none"), WEEK), WEEK)
    summary = {r["metric"]: r for r in report.tables["summary"].iter_rows(named=True)}
    assert summary["contacts"]["this_week"] is None and summary["contacts"]["change"] is None
    assert report.tables["teams"].is_empty() and report.tables["employees"].is_empty()
    assert report.tables["hour_weekday"]["contacts"].sum() == 0
    assert "<h1>Contact volume, week of 2025-11-17</h1>" in report.html


def test_any_day_of_the_week_names_the_same_report(firm):
    report = build_contact_volume_report(load_weeks(firm["base"], WEEK), WEEK + timedelta(days=4))
    assert report.day == WEEK
    assert report.tables["teams"].equals(firm["report"].tables["teams"])
