"""Every dashboard page runs (AppTest) against a small gold lakehouse, and against an empty one."""

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from gold_lake import CURRENT, EMPLOYEES, PREVIOUS, expected_overview, use_lakehouse, write_gold
from streamlit.testing.v1 import AppTest

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
APP = Path(__file__).resolve().parents[2] / "dashboards" / "streamlit_app.py"
PAGES = [
    "app_pages/overview.py",
    "app_pages/contact_frequency.py",
    "app_pages/contact_timing.py",
    "app_pages/flagged_messages.py",
]
DOWNLOADS = {
    "app_pages/overview.py": {"overview_latest_csv"},
    "app_pages/contact_frequency.py": {
        "frequency_pairs_csv", "frequency_employee_csv", "frequency_channel_csv"},
    "app_pages/contact_timing.py": {"timing_grid_csv", "timing_teams_csv"},
    "app_pages/flagged_messages.py": {"flagged_csv"},
}


@pytest.fixture
def gold(tmp_path, monkeypatch):
    use_lakehouse(monkeypatch, tmp_path / "lakehouse")
    return write_gold(tmp_path / "lakehouse")


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_a_chart_and_csv_downloads(gold, page) -> None:
    at = open_page(page)
    assert charts(at)
    assert {button.key for button in at.get("download_button")} == DOWNLOADS[page]
    assert not at.info


@pytest.mark.parametrize("page", PAGES)
def test_empty_lakehouse_says_how_to_build_it(tmp_path, monkeypatch, page) -> None:
    use_lakehouse(monkeypatch, tmp_path / "empty")
    at = open_page(page)
    assert any("vigia demo --no-serve" in info.value for info in at.info)
    assert not charts(at)
    assert not at.get("download_button")


def overview_numbers(at: AppTest) -> dict[str, tuple[str, str]]:
    return {metric.label: (metric.value, metric.delta) for metric in at.metric}


@pytest.mark.parametrize("teams", [[], ["Tributario"], ["Contencioso", "Tributario"]])
def test_overview_kpis_and_deltas(gold, teams) -> None:
    at = open_page(PAGES[0])
    if teams:
        at.multiselect(key="filter_teams").set_value(teams).run()
    now = expected_overview(gold, CURRENT, set(teams))
    before = expected_overview(gold, PREVIOUS, set(teams))
    shown = overview_numbers(at)
    for label, name in [("Messages", "messages"), ("Calls", "calls"),
                        ("Counterparts", "counterparts"), ("Flagged messages", "flagged")]:
        assert shown[label] == (f"{now[name]:,}", str(now[name] - before[name]))
    assert shown["After-hours contacts"][0] == f"{now['after_hours_share']:.1%}"


def test_overview_without_a_previous_period_shows_no_deltas(gold) -> None:
    at = open_page(PAGES[0])
    at.date_input(key="filter_dates").set_value((PREVIOUS[0], date(2024, 2, 10))).run()
    shown = overview_numbers(at)
    expected = expected_overview(gold, (PREVIOUS[0], date(2024, 2, 10)))
    assert shown["Messages"][0] == f"{expected['messages']:,}"
    assert all(not delta for _, delta in shown.values())


def test_filters_are_kept_when_switching_pages(gold) -> None:
    at = open_page(PAGES[0])
    at.multiselect(key="filter_teams").set_value(["Tributario"]).run()
    at.switch_page("app_pages/contact_frequency.py").run()
    assert at.multiselect(key="filter_teams").value == ["Tributario"]
    pairs = at.dataframe[0].value
    assert set(pairs["team"]) == {"Tributario"}


def test_contact_frequency_top_pairs_and_drill_down(gold) -> None:
    at = open_page("app_pages/contact_frequency.py")
    pairs = at.dataframe[0].value
    totals: dict[tuple[str, str], int] = {}
    for row in gold.frequency.iter_rows(named=True):
        if CURRENT[0] <= row["event_date"] <= CURRENT[1]:
            key = (row["employee_token"], row["counterpart_token"])
            totals[key] = totals.get(key, 0) + row["messages_sent"] + row["messages_received"] \
                + row["calls"]
    assert len(pairs) == len(totals)
    top = pairs.iloc[0]
    assert top["contacts"] == max(totals.values())
    assert totals[(top["employee_token"], top["counterpart_token"])] == top["contacts"]

    employee = sorted(EMPLOYEES)[-1]
    at.selectbox(key="frequency_employee").set_value(employee).run()
    assert not at.exception
    drill = at.dataframe[1].value
    assert set(drill["employee_token"]) == {employee}
    assert drill["contacts"].sum() == sum(v for (e, _), v in totals.items() if e == employee)


def test_contact_timing_after_hours_per_team(gold) -> None:
    at = open_page("app_pages/contact_timing.py")
    table = at.dataframe[0].value.set_index("team")
    for team in set(EMPLOYEES.values()):
        expected = expected_overview(gold, CURRENT, {team})["after_hours_share"]
        assert table.loc[team, "after_hours_share"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("categories", "severities"),
    [([], []), ([], ["high"]), (["off_channel"], []), (["bribery"], ["low", "medium"]),
     (["insider_info"], ["high"])],
)
def test_flagged_messages_filters(gold, categories, severities) -> None:
    at = open_page("app_pages/flagged_messages.py")
    assert set(categories) <= set(at.multiselect(key="flagged_categories").options)
    at.multiselect(key="flagged_categories").set_value(categories)
    at.multiselect(key="flagged_severities").set_value(severities).run()
    assert not at.exception
    expected = [
        row for row in gold.scores.iter_rows(named=True)
        if CURRENT[0] <= row["event_date"] <= CURRENT[1]
        and (not categories or set(row["categories"]) & set(categories))
        and (not severities or row["severity"] in severities)
    ]
    if not expected:
        assert any("No flagged messages" in info.value for info in at.info)
        return
    table = at.dataframe[0].value
    shown = sorted(zip(table["employee_token"], table["text_redacted"], table["sent_at"],
                       strict=True))
    assert shown == sorted(
        (row["employee_token"], row["text_redacted"], row["sent_at"].astimezone(SAO_PAULO))
        for row in expected
    )
    assert list(table["score"]) == sorted(table["score"], reverse=True)
    assert all(token.startswith("P-") for token in table["counterpart_token"])
