"""The data module reads gold tables through pipelines.lake, filtered by team and date."""

from datetime import date

import polars as pl
import pytest
from gold_lake import CURRENT, EMPLOYEES, PREVIOUS, expected_overview, use_lakehouse, write_gold

from dashboards import data
from dashboards.data import Filters

TEAMS = sorted(set(EMPLOYEES.values()))


@pytest.fixture
def gold(tmp_path, monkeypatch):
    use_lakehouse(monkeypatch, tmp_path / "lakehouse")
    return write_gold(tmp_path / "lakehouse")


@pytest.mark.parametrize(
    ("teams", "period"),
    [((), CURRENT), (("Tributario",), CURRENT), (tuple(TEAMS), PREVIOUS),
     (("Contencioso",), (date(2024, 3, 10), date(2024, 3, 10)))],
)
def test_reads_keep_only_the_selected_teams_and_days(gold, teams, period) -> None:
    frame = data.contact_frequency(Filters(teams, *period))
    assert frame.height > 0
    assert frame["event_date"].min() >= period[0]
    assert frame["event_date"].max() <= period[1]
    assert set(frame["team"]) <= set(teams or TEAMS)
    expected = [r for r in gold.frequency.iter_rows(named=True)
                if period[0] <= r["event_date"] <= period[1] and (not teams or r["team"] in teams)]
    assert frame.height == len(expected)


@pytest.mark.parametrize(
    "selection",
    [Filters(("No such team",), *CURRENT), Filters((), date(2030, 1, 1), date(2030, 1, 31))],
)
def test_a_selection_without_rows_gives_empty_frames_not_errors(gold, selection) -> None:
    assert data.contact_hours(selection).is_empty()
    assert data.flagged(selection, [], []).is_empty()
    kpis = data.overview_kpis(selection)
    assert kpis["messages"].value == 0
    assert kpis["after_hours_share"].value is None


@pytest.mark.parametrize("teams", [None, {"Contencioso"}])
def test_overview_kpis_match_the_rows_and_the_previous_period(gold, teams) -> None:
    kpis = data.overview_kpis(Filters(tuple(sorted(teams or ())), *CURRENT))
    now, before = expected_overview(gold, CURRENT, teams), expected_overview(gold, PREVIOUS, teams)
    for name in ("messages", "calls", "counterparts", "flagged"):
        assert kpis[name].value == now[name]
        assert kpis[name].delta == now[name] - before[name]
    assert kpis["after_hours_share"].value == pytest.approx(now["after_hours_share"])


def test_flagged_messages_are_in_local_time_and_sorted_by_score(gold) -> None:
    flagged = data.flagged(Filters((), *CURRENT), [], [])
    assert flagged.columns == data.FLAGGED_COLUMNS
    assert flagged.schema["sent_at"] == pl.Datetime("us", "America/Sao_Paulo")
    assert flagged["score"].to_list() == sorted(flagged["score"].to_list(), reverse=True)


def test_filter_options_span_all_tables(gold) -> None:
    options = data.current_filter_options()
    assert options.teams == TEAMS
    assert (options.first_date, options.last_date) == (PREVIOUS[0], CURRENT[1])


def test_missing_tables_are_reported_not_raised(tmp_path, monkeypatch) -> None:
    use_lakehouse(monkeypatch, tmp_path / "empty")
    assert data.missing_tables() == list(data.GOLD_TABLES)
    assert "vigia demo --no-serve" in data.missing_message(data.missing_tables())
    options = data.current_filter_options()
    assert (options.teams, options.last_date) == ([], None)


def test_csv_export_flattens_list_columns(gold) -> None:
    flagged = data.flagged(Filters((), *CURRENT), ["off_channel"], [])
    text = data.to_csv(flagged).decode()
    header, first = text.splitlines()[:2]
    assert header.split(",") == data.FLAGGED_COLUMNS
    assert "bribery;off_channel" in first
    assert len(text.splitlines()) == flagged.height + 1
