"""Every dashboard page runs (AppTest) against a small lakehouse, logged in as each role that may
open it; nothing renders before login; navigation and pages refuse what a role may not see.

Logging in: the login form is driven once for real (bcrypt check); the other tests set
``authentication_status`` and ``username`` in session state, which is where
streamlit-authenticator records a login (server-side; there is no test hook in the app).
"""

import os
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from gold_lake import (
    CURRENT,
    EMPLOYEES,
    PASSWORDS,
    PERMISSIONS,
    PREVIOUS,
    expected_overview,
    rows_in,
    use_lakehouse,
    write_gold,
)
from streamlit.testing.v1 import AppTest

from dashboards import roles
from pipelines.governance.access_log import read_access_log
from pipelines.governance.access_policy import load_policy
from pipelines.governance.alert_reviews import read_reviews

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
APP = DASHBOARDS / "streamlit_app.py"
PAGE = {spec.title: spec.path for spec in roles.PAGES}
DOWNLOADS = {
    "Overview": {"overview_trend_csv", "overview_latest_csv"},
    "Contact frequency": {"frequency_pairs_csv", "frequency_network_csv",
                          "frequency_employee_csv", "frequency_channel_csv"},
    "Contact timing": {"timing_grid_csv", "timing_trend_csv", "timing_teams_csv"},
    "Misconduct trends": {"trend_weekly_csv", "trend_team_csv", "trend_rules_csv",
                          "trend_rows_csv"},
    "Calls": {"calls_daily_csv", "calls_agents_csv"},
    "Flagged messages": {"flagged_csv"},
    "Alerts & review queue": {"alerts_csv"},
    "Evidence": {"evidence_attachments_csv"},
    "Access audit": {"audit_csv"},
    "Re-identification": set(),
    "Data quality": set(),
}
WITH_CHARTS = {"Overview", "Contact frequency", "Contact timing", "Misconduct trends", "Calls",
               "Flagged messages", "Alerts & review queue", "Access audit"}
ROLE_OF = {"carla": "compliance", "maria": "manager", "ana": "analyst", "diego": "dpo"}


@pytest.fixture
def gold(tmp_path, monkeypatch):
    use_lakehouse(monkeypatch, tmp_path / "lakehouse")
    return write_gold(tmp_path / "lakehouse")


def app(user: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = user
    return at.run()


def open_page(title: str, user: str = "carla") -> AppTest:
    at = app(user)
    if not at.title or at.title[0].value != title:
        at.switch_page(PAGE[title]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    return at


def lake_log() -> pl.DataFrame:
    return read_access_log(os.environ["LAKEHOUSE_URI"])


PAGES_OF = {
    login: [spec.title for spec in roles.pages_for(
        roles.Viewer(login, role, frozenset(PERMISSIONS[role])))]
    for login, role in ROLE_OF.items()
}


# Login -----------------------------------------------------------------------------------------

def test_nothing_renders_before_login(gold) -> None:
    at = app(None)
    assert [field.label for field in at.text_input] == ["Username", "Password"]
    assert not at.title and not at.dataframe and not at.get("vega_lite_chart")
    assert not at.get("download_button") and not at.metric
    assert lake_log().is_empty()  # and nothing was logged as seen


def test_login_form_checks_the_password_and_logs_in_and_out(gold) -> None:
    at = app(None)
    at.text_input[0].input("maria")
    at.text_input[1].input("wrong-password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Wrong username or password."]
    assert not at.title
    at.text_input[0].input("maria")
    at.text_input[1].input(PASSWORDS["maria"])
    at.button[0].click().run()
    assert not at.exception and at.title[0].value == "Overview"
    assert at.multiselect(key="filter_teams").options == ["Contencioso"]
    at.sidebar.button(key="vigia_logout").click().run()
    assert not at.title and [f.label for f in at.text_input] == ["Username", "Password"]
    actions = lake_log().filter(pl.col("user") == "maria")["action"].to_list()
    assert actions[0] == "login" and actions[-1] == "logout" and "page_view" in actions


def test_a_login_without_a_dashboard_account_sees_nothing(gold) -> None:
    at = app("mallory")
    assert not at.title and at.error and not at.dataframe


# Every page, every role that may open it ------------------------------------------------------

@pytest.mark.parametrize("user", sorted(ROLE_OF))
def test_every_page_renders_for_each_role_that_may_open_it(gold, user) -> None:
    """One session per role, visiting each of its pages in turn (an AppTest run per page)."""
    at = app(user)
    for title in PAGES_OF[user]:
        at.switch_page(PAGE[title]).run()
        assert not at.exception, (title, [e.value for e in at.exception])
        assert at.title[0].value == title
        keys = {button.key for button in at.get("download_button")}
        expected = DOWNLOADS[title] - ({"overview_latest_csv"} if user == "ana" else set())
        assert keys == expected, title
        if title in WITH_CHARTS:
            assert at.get("vega_lite_chart"), title
        assert not any(info.value.startswith("No ") for info in at.info), title


@pytest.mark.parametrize(
    ("user", "hidden"),
    [("maria", ["Evidence", "Access audit", "Re-identification", "Data quality"]),
     ("ana", ["Flagged messages", "Alerts & review queue", "Evidence", "Access audit",
              "Re-identification"]),
     ("diego", ["Overview", "Flagged messages", "Alerts & review queue", "Evidence"]),
     ("carla", ["Access audit"])],
)
def test_navigation_does_not_offer_pages_the_role_may_not_open(gold, user, hidden) -> None:
    at = app(user)
    for title in hidden:
        with pytest.raises(Exception, match="Could not find a navigation page"):
            at.switch_page(PAGE[title])


@pytest.mark.parametrize(
    ("user", "title"),
    [("maria", "Evidence"), ("ana", "Flagged messages"), ("ana", "Alerts & review queue"),
     ("diego", "Overview"), ("carla", "Access audit"), ("maria", "Re-identification")],
)
def test_each_page_checks_the_role_again(gold, user, title) -> None:
    """Run a page script directly with a viewer of another role in the session: it stops."""
    at = AppTest.from_file(DASHBOARDS / PAGE[title], default_timeout=60)
    policy = load_policy()
    at.session_state["vigia_viewer"] = roles.viewer_for(policy, user)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"Your role ({ROLE_OF[user]}) may not open this page."]
    assert not at.dataframe and not at.get("vega_lite_chart")


def test_empty_lakehouse_says_how_to_build_it(tmp_path, monkeypatch) -> None:
    use_lakehouse(monkeypatch, tmp_path / "empty")
    at = app("carla")
    for title in ["Overview", "Contact frequency", "Contact timing", "Misconduct trends", "Calls",
                  "Flagged messages", "Alerts & review queue", "Evidence"]:
        at.switch_page(PAGE[title]).run()
        assert not at.exception, title
        assert any("vigia demo --no-serve" in info.value for info in at.info), title
        assert not at.get("vega_lite_chart") and not at.get("download_button"), title


# What pages show ------------------------------------------------------------------------------

def overview_numbers(at: AppTest) -> dict[str, tuple[str, str]]:
    return {metric.label: (metric.value, metric.delta) for metric in at.metric}


@pytest.mark.parametrize(
    ("user", "teams", "shown_teams"),
    [("carla", [], None), ("carla", ["Tributario"], {"Tributario"}),
     ("carla", ["Contencioso", "Tributario"], None), ("maria", [], {"Contencioso"}),
     ("ana", ["Tributario"], {"Tributario"})],
)
def test_overview_kpis_and_deltas(gold, user, teams, shown_teams) -> None:
    at = open_page("Overview", user)
    if teams:
        at.multiselect(key="filter_teams").set_value(teams).run()
    now = expected_overview(gold, CURRENT, shown_teams)
    before = expected_overview(gold, PREVIOUS, shown_teams)
    shown = overview_numbers(at)
    for label, name in [("Messages", "messages"), ("Calls", "calls"),
                        ("Counterparts", "counterparts"), ("Flagged messages", "flagged")]:
        assert shown[label] == (f"{now[name]:,}", str(now[name] - before[name]))
    assert shown["After-hours contacts"][0] == f"{now['after_hours_share']:.1%}"


def test_manager_sees_only_their_team_on_every_table(gold) -> None:
    for title in ["Overview", "Contact frequency", "Contact timing", "Misconduct trends", "Calls",
                  "Flagged messages", "Alerts & review queue"]:
        at = open_page(title, "maria")
        for table in at.dataframe:
            if "team" in table.value.columns:
                assert set(table.value["team"]) <= {"Contencioso"}, title
        tokens = {t for table in at.dataframe for column in table.value.columns
                  if column == "employee_token" for t in table.value[column]}
        assert tokens <= {e for e, team in EMPLOYEES.items() if team == "Contencioso"}, title


def test_overview_without_a_previous_period_shows_no_deltas(gold) -> None:
    at = open_page("Overview")
    at.date_input(key="filter_dates").set_value((PREVIOUS[0], date(2024, 2, 10))).run()
    shown = overview_numbers(at)
    expected = expected_overview(gold, (PREVIOUS[0], date(2024, 2, 10)))
    assert shown["Messages"][0] == f"{expected['messages']:,}"
    assert all(not delta for _, delta in shown.values())


def test_filters_are_kept_when_switching_pages(gold) -> None:
    at = open_page("Overview")
    at.multiselect(key="filter_teams").set_value(["Tributario"]).run()
    at.switch_page(PAGE["Contact frequency"]).run()
    assert at.multiselect(key="filter_teams").value == ["Tributario"]
    assert set(at.dataframe[0].value["team"]) == {"Tributario"}


def test_contact_frequency_top_pairs_network_and_drill_down(gold) -> None:
    at = open_page("Contact frequency")
    pairs = at.dataframe[0].value
    totals: dict[tuple[str, str], int] = {}
    for row in rows_in(gold.frequency, CURRENT):
        key = (row["employee_token"], row["counterpart_token"])
        totals[key] = totals.get(key, 0) + row["messages_sent"] + row["messages_received"] \
            + row["calls"]
    assert len(pairs) == len(totals)
    top = pairs.iloc[0]
    assert top["contacts"] == max(totals.values())
    assert len(at.get("vega_lite_chart")) == 4  # pairs, network, employee trend, channels

    employee = sorted(EMPLOYEES)[-1]
    at.selectbox(key="frequency_employee").set_value(employee).run()
    drill = at.dataframe[1].value
    assert set(drill["employee_token"]) == {employee}
    assert drill["contacts"].sum() == sum(v for (e, _), v in totals.items() if e == employee)


def test_contact_timing_after_hours_per_team(gold) -> None:
    at = open_page("Contact timing")
    table = at.dataframe[0].value.set_index("team")
    for team in set(EMPLOYEES.values()):
        expected = expected_overview(gold, CURRENT, {team})["after_hours_share"]
        assert table.loc[team, "after_hours_share"] == pytest.approx(expected)


def test_misconduct_trends_and_calls_match_the_tables(gold) -> None:
    at = open_page("Misconduct trends")
    by_team = at.dataframe[0].value
    expected = gold.trend.filter(pl.col("week_start") >= CURRENT[0])
    assert by_team["flagged_messages"].sum() == expected["flagged_messages"].sum()
    at = open_page("Calls")
    calls = rows_in(gold.calls, CURRENT)
    assert at.metric[0].value == f"{sum(r['calls'] for r in calls):,}"
    assert at.metric[-1].value == "not checked"  # no do-not-call or consent data yet


@pytest.mark.parametrize(
    ("categories", "severities"),
    [([], []), ([], ["high"]), (["off_channel"], []), (["bribery"], ["low", "medium"]),
     (["insider_info"], ["high"])],
)
def test_flagged_messages_filters(gold, categories, severities) -> None:
    at = open_page("Flagged messages")
    at.multiselect(key="flagged_categories").set_value(categories)
    at.multiselect(key="flagged_severities").set_value(severities).run()
    assert not at.exception
    expected = [
        row for row in rows_in(gold.scores, CURRENT)
        if (not categories or set(row["categories"]) & set(categories))
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


# Access log from the pages --------------------------------------------------------------------

def test_page_views_once_per_visit_and_message_views_once_per_selection(gold) -> None:
    at = open_page("Flagged messages")
    at.run()
    at.run()  # reruns: nothing new

    def rows(action: str, page: str = "Flagged messages") -> int:
        log = lake_log()
        return log.filter((pl.col("action") == action) & (pl.col("page") == page)).height

    assert (rows("page_view"), rows("view_messages")) == (1, 1)
    at.multiselect(key="flagged_severities").set_value(["high"]).run()
    at.run()
    assert (rows("page_view"), rows("view_messages")) == (1, 2)  # the filter showed new text
    event = lake_log().filter(pl.col("action") == "view_messages").row(-1, named=True)
    assert (event["user"], event["role"], event["page"]) == ("carla", "compliance",
                                                             "Flagged messages")
    assert '"severities": ["high"]' in event["what"] and "P-" in event["what"]
    assert event["host"] and event["client"]
    at.switch_page(PAGE["Contact timing"]).run()
    at.switch_page(PAGE["Flagged messages"]).run()
    assert (rows("page_view"), rows("view_messages")) == (2, 3)  # a new visit shows text again


def test_a_csv_download_is_logged_as_an_export(gold) -> None:
    at = open_page("Contact frequency", "maria")
    at.get("download_button")[0].click().run()
    exported = lake_log().filter(pl.col("action") == "export")
    assert exported.height == 1
    row = exported.row(0, named=True)
    assert (row["user"], row["page"]) == ("maria", "Contact frequency")
    assert "contact_pairs.csv" in row["what"] and '"teams": []' in row["what"]


def test_compliance_resolves_an_alert_from_the_queue(gold) -> None:
    at = open_page("Alerts & review queue")
    alert_id = at.selectbox(key="alerts_selected").value
    at.selectbox(key="review_action").set_value("resolve")
    at.selectbox(key="review_outcome").set_value("false_positive")
    at.text_area(key="review_note").input("regra genérica demais")
    next(b for b in at.button if b.label == "Record action").click().run()
    assert not at.exception and not at.error
    assert any("resolve recorded" in s.value for s in at.success)
    reviews = read_reviews()
    assert reviews.select("alert_id", "action", "outcome", "user").rows() == [
        (alert_id, "resolve", "false_positive", "carla")]
    # resolved alerts leave the default (open) queue
    assert alert_id not in at.dataframe[0].value["alert_id"].to_list()


def test_a_refused_review_says_why(gold) -> None:
    at = open_page("Alerts & review queue")
    at.selectbox(key="review_action").set_value("escalate")
    next(b for b in at.button if b.label == "Record action").click().run()
    assert [e.value for e in at.error] == ["escalate needs a note saying why"]
    assert read_reviews().is_empty()


def test_manager_sees_alerts_without_review_controls(gold) -> None:
    at = open_page("Alerts & review queue", "maria")
    assert not [b for b in at.button if b.label == "Record action"]
    assert set(at.dataframe[0].value["team"]) == {"Contencioso"}


def test_evidence_export_needs_a_reason_then_offers_the_zip(gold) -> None:
    at = open_page("Evidence")
    assert at.dataframe[0].value["flagged"].any()
    at.button(key="evidence_prepare").click().run()
    assert at.error and not [b for b in at.get("download_button") if b.key == "evidence_zip"]
    at.text_input(key="evidence_reason").input("Processo 0001234-56.2026, pedido do jurídico")
    at.button(key="evidence_prepare").click().run()
    assert [b.key for b in at.get("download_button") if b.key == "evidence_zip"]
    exports = lake_log().filter(pl.col("action") == "export")
    assert exports["outcome"].to_list() == ["denied", "granted"]
    assert "manifest_sha256" in exports["what"][1]


def test_access_audit_lists_what_others_did(gold) -> None:
    open_page("Flagged messages", "carla")
    at = open_page("Access audit", "diego")
    log = at.dataframe[0].value
    assert {"carla", "diego"} <= set(log["user"])
    assert "view_messages" in set(log["action"])
    at.multiselect(key="audit_users").set_value(["carla"]).run()
    assert set(at.dataframe[0].value["user"]) == {"carla"}


def test_data_quality_validates_on_demand(gold) -> None:
    at = open_page("Data quality", "ana")
    assert any("audit.check_results" in info.value for info in at.info)
    at.button(key="quality_validate").click().run()
    assert not at.exception
    results = at.dataframe[0].value
    assert "gold.contact_frequency_daily" in set(results["table_name"])
