"""The data module: reads through pipelines.lake, filtered by team and date, with the access
rules enforced on every call (not only in the navigation)."""

from datetime import UTC, date, datetime

import polars as pl
import pytest
from gold_lake import (
    CURRENT,
    PREVIOUS,
    TEAMS,
    expected_overview,
    rows_in,
    use_lakehouse,
    write_gold,
)

from dashboards import alert_queue, data, records
from dashboards.data import Filters
from dashboards.roles import NotAllowed, viewer_for

NOW = datetime.now(UTC)


@pytest.fixture
def gold(tmp_path, monkeypatch):
    use_lakehouse(monkeypatch, tmp_path / "lakehouse")
    return write_gold(tmp_path / "lakehouse")


def viewer(login: str):
    return viewer_for(data.access_policy(), login, "127.0.0.1", "pytest")


@pytest.mark.parametrize(
    ("teams", "period"),
    [((), CURRENT), (("Tributario",), CURRENT), (tuple(TEAMS), PREVIOUS),
     (("Contencioso",), (date(2024, 3, 10), date(2024, 3, 10)))],
)
def test_reads_keep_only_the_selected_teams_and_days(gold, teams, period) -> None:
    frame = data.contact_frequency(viewer("carla"), Filters(teams, *period))
    assert frame.height == len(rows_in(gold.frequency, period, set(teams)))
    assert frame["event_date"].min() >= period[0]
    assert frame["event_date"].max() <= period[1]
    assert set(frame["team"]) <= set(teams or TEAMS)


AGGREGATE_READS = [
    lambda v, f: data.contact_frequency(v, f),
    lambda v, f: data.contact_timing(v, f),
    lambda v, f: data.score_counts(v, f),
    lambda v, f: data.call_volume(v, f),
    lambda v, f: data.misconduct_trend(v, f),
    lambda v, f: data.top_pairs(v, f, None),
    lambda v, f: data.after_hours_by_team(v, f),
    lambda v, f: data.contact_network(v, f)[1],
    lambda v, f: data.calls_by_agent(v, f),
    lambda v, f: data.trend_by_team(v, f),
    lambda v, f: records.message_scores(v, f),
    lambda v, f: records.flagged(v, f, [], []),
    lambda v, f: alert_queue.alerts(v, f),
]


@pytest.mark.parametrize("read", AGGREGATE_READS)
@pytest.mark.parametrize(
    "asked", [(), ("Tributario",), ("Contencioso", "Tributario"), ("Contencioso",)]
)
def test_a_manager_never_gets_another_teams_rows_even_calling_directly(gold, read, asked) -> None:
    maria = viewer("maria")  # manager of Contencioso
    frame = read(maria, Filters(asked, *CURRENT))
    assert set(frame["team"].drop_nulls()) <= {"Contencioso"}
    if asked == ("Tributario",):
        assert frame.is_empty() or set(frame["team"]) <= {"Contencioso"}
    if "Contencioso" in asked or not asked:
        assert frame.height > 0


def test_manager_overview_counts_only_their_team(gold) -> None:
    kpis = data.overview_kpis(viewer("maria"), Filters(("Tributario",), *CURRENT))
    own = expected_overview(gold, CURRENT, {"Contencioso"})
    assert kpis["messages"].value == 0  # asked for another team: nothing
    kpis = data.overview_kpis(viewer("maria"), Filters((), *CURRENT))
    assert kpis["messages"].value == own["messages"]
    assert kpis["flagged"].value == own["flagged"]


def test_filter_options_list_only_the_viewers_teams(gold) -> None:
    assert data.current_filter_options(viewer("maria")).teams == ["Contencioso"]
    assert data.current_filter_options(viewer("tiago")).teams == ["Tributario"]
    everything = data.current_filter_options(viewer("carla"))
    assert everything.teams == TEAMS
    assert (everything.first_date, everything.last_date) == (PREVIOUS[0], CURRENT[1])


SNIPPET_READS = [
    lambda v, f: records.message_scores(v, f),
    lambda v, f: records.flagged(v, f, [], []),
    lambda v, f: records.latest_flagged(v, f),
    lambda v, f: alert_queue.alerts(v, f),
    lambda v, f: records.evidence_between(v, "P-0a1b2c3d4e5f", "P-9f8e7d6c5b4a", f),
    lambda v, f: records.export_evidence(v, pl.DataFrame(), {}, "a reason long enough"),
]


@pytest.mark.parametrize("read", SNIPPET_READS)
@pytest.mark.parametrize("login", ["ana", "diego"])
def test_analysts_and_dpo_get_no_message_text(gold, read, login) -> None:
    with pytest.raises(NotAllowed):
        read(viewer(login), Filters((), *CURRENT))


@pytest.mark.parametrize(
    ("login", "read"),
    [("diego", lambda v, f: data.contact_frequency(v, f)),
     ("diego", lambda v, f: data.overview_kpis(v, f)),
     ("maria", lambda v, f: records.evidence_between(v, "P-0a1b2c3d4e5f", "P-9f8e7d6c5b4a", f)),
     ("maria", lambda v, f: alert_queue.review(v, "A-x", "claim")),
     ("maria", lambda v, f: records.access_log(v, NOW, NOW)),
     ("carla", lambda v, f: records.access_log(v, NOW, NOW)),
     ("ana", lambda v, f: alert_queue.alert_history(v, "A-x"))],
)
def test_each_read_checks_the_role(gold, login, read) -> None:
    with pytest.raises(NotAllowed):
        read(viewer(login), Filters((), *CURRENT))


def test_analyst_sees_aggregates_of_every_team(gold) -> None:
    ana = viewer("ana")
    frame = data.contact_frequency(ana, Filters((), *CURRENT))
    assert set(frame["team"]) == set(TEAMS)
    counts = data.score_counts(ana, Filters((), *CURRENT))
    assert "text_redacted" not in counts.columns
    assert counts.height == len(rows_in(gold.scores, CURRENT))


@pytest.mark.parametrize(
    "selection",
    [Filters(("No such team",), *CURRENT), Filters((), date(2030, 1, 1), date(2030, 1, 31))],
)
def test_a_selection_without_rows_gives_empty_frames_not_errors(gold, selection) -> None:
    carla = viewer("carla")
    assert data.contact_timing(carla, selection).is_empty()
    assert records.flagged(carla, selection, [], []).is_empty()
    assert data.misconduct_trend(carla, selection).is_empty()
    kpis = data.overview_kpis(carla, selection)
    assert kpis["messages"].value == 0
    assert kpis["after_hours_share"].value is None


@pytest.mark.parametrize("teams", [None, {"Contencioso"}])
def test_overview_kpis_match_the_rows_and_the_previous_period(gold, teams) -> None:
    kpis = data.overview_kpis(viewer("carla"), Filters(tuple(sorted(teams or ())), *CURRENT))
    now, before = expected_overview(gold, CURRENT, teams), expected_overview(gold, PREVIOUS, teams)
    for name in ("messages", "calls", "counterparts", "flagged"):
        assert kpis[name].value == now[name]
        assert kpis[name].delta == now[name] - before[name]
    assert kpis["after_hours_share"].value == pytest.approx(now["after_hours_share"])


def test_good_friday_counts_as_after_hours(gold) -> None:
    friday = Filters((), date(2024, 3, 29), date(2024, 3, 29))
    hours = data.contact_timing(viewer("carla"), friday)
    assert hours.height and hours["is_holiday"].all()
    assert data.overview_kpis(viewer("carla"), friday)["after_hours_share"].value == 1.0


def test_flagged_messages_are_in_local_time_and_sorted_by_score(gold) -> None:
    flagged = records.flagged(viewer("carla"), Filters((), *CURRENT), [], [])
    assert flagged.columns == records.FLAGGED_COLUMNS
    assert flagged.schema["sent_at"] == pl.Datetime("us", "America/Sao_Paulo")
    assert flagged["score"].to_list() == sorted(flagged["score"].to_list(), reverse=True)


def test_misconduct_trend_covers_the_weeks_of_the_dates(gold) -> None:
    trend = data.misconduct_trend(viewer("carla"), Filters((), date(2024, 3, 6), CURRENT[1]))
    assert trend["week_start"].min() == date(2024, 3, 4)  # the Monday of the first date's week
    expected = gold.trend.filter(pl.col("week_start") >= date(2024, 3, 4))
    assert trend["flagged_messages"].sum() == expected["flagged_messages"].sum()


def test_missing_tables_are_reported_not_raised(tmp_path, monkeypatch) -> None:
    use_lakehouse(monkeypatch, tmp_path / "empty")
    assert data.missing_tables() == list(data.GOLD_TABLES)
    assert "vigia demo --no-serve" in data.missing_message(data.missing_tables())
    options = data.current_filter_options(viewer("carla"))
    assert (options.teams, options.last_date) == ([], None)


def test_csv_export_flattens_list_columns(gold) -> None:
    flagged = records.flagged(viewer("carla"), Filters((), *CURRENT), ["off_channel"], [])
    text = data.to_csv(flagged).decode()
    header, first = text.splitlines()[:2]
    assert header.split(",") == records.FLAGGED_COLUMNS
    assert "bribery;off_channel" in first
    assert len(text.splitlines()) == flagged.height + 1
