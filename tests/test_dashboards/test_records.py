"""Alerts and reviews, evidence and its export, re-identification, the access log and data
quality, through the dashboards' record functions (no Streamlit run)."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from gold_lake import CURRENT, use_lakehouse, write_gold

from dashboards import alert_queue, checks, data, exports, records
from dashboards.data import Filters
from dashboards.roles import NotAllowed, viewer_for
from pipelines import lake
from pipelines.governance.access_log import read_access_log
from pipelines.governance.alert_reviews import ReviewError
from pipelines.governance.reidentification import AccessDenied
from pipelines.privacy.keyring import load_keyring
from pipelines.privacy.vault import Identity, Vault

ALL = Filters((), *CURRENT)
REASON = "Processo 0001234-56.2026: pedido do jurídico"


@pytest.fixture
def gold(tmp_path, monkeypatch):
    use_lakehouse(monkeypatch, tmp_path / "lakehouse")
    return write_gold(tmp_path / "lakehouse")


def viewer(login: str, page: str = "Test page"):
    return viewer_for(data.access_policy(), login, "10.1.2.3", "pytest-agent").on_page(page)


def log() -> pl.DataFrame:
    return read_access_log(data.lakehouse_uri())


def test_alerts_carry_the_latest_review_state(gold) -> None:
    carla = viewer("carla")
    queue = alert_queue.alerts(carla, ALL)
    assert set(queue["status"]) == {"open"} and queue.height > 2
    first, second = queue["alert_id"][0], queue["alert_id"][1]
    alert_queue.review(carla, first, "claim")
    alert_queue.review(carla, second, "resolve", outcome="false_positive")
    queue = alert_queue.alerts(carla, ALL)
    states = dict(zip(queue["alert_id"], queue["status"], strict=True))
    assert (states[first], states[second]) == ("in_review", "resolved")
    assert queue.filter(pl.col("alert_id") == first)["assignee"].item() == "carla"
    only_open = alert_queue.alerts(carla, ALL, statuses=["open"])
    assert first not in only_open["alert_id"].to_list()
    history = alert_queue.alert_history(carla, second)
    assert history.select("action", "outcome").rows() == [("resolve", "false_positive")]
    reviews = log().filter(pl.col("action") == "review")
    assert reviews["outcome"].to_list() == ["granted", "granted"]
    assert set(reviews["page"]) == {"Test page"}


def test_manager_sees_own_alerts_without_acting_and_analyst_none(gold) -> None:
    maria = viewer("maria")
    queue = alert_queue.alerts(maria, ALL)
    assert set(queue["team"]) == {"Contencioso"} and "snippet" in queue.columns
    other = alert_queue.alerts(viewer("carla"), Filters(("Tributario",), *CURRENT))["alert_id"][0]
    assert alert_queue.alert(maria, other) is None  # another team's alert does not exist for her
    assert alert_queue.alert_history(maria, other).is_empty()
    with pytest.raises(NotAllowed):
        alert_queue.review(maria, queue["alert_id"][0], "claim")
    with pytest.raises(NotAllowed):
        alert_queue.alerts(viewer("ana"), ALL)


def test_reviewing_an_alert_of_a_hidden_team_is_refused(gold, monkeypatch, tmp_path) -> None:
    # a compliance officer bound to one team (no all_teams) cannot act on another team's alert
    import yaml

    path = tmp_path / "access.yaml"
    config = yaml.safe_load(path.read_text())
    config["roles"]["compliance"].pop("all_teams")
    config["users"]["carla"]["teams"] = ["Contencioso"]
    path.write_text(yaml.safe_dump(config))
    bound = viewer("carla")
    unbound = replace(bound, permissions=bound.permissions | {"all_teams"})
    other = alert_queue.alerts(unbound, Filters(("Tributario",), *CURRENT))["alert_id"][0]
    with pytest.raises(ReviewError, match="not in gold.alerts"):
        alert_queue.review(bound, other, "claim")


def test_alert_snippets_shown_are_logged_once_per_selection_outside_a_run(gold) -> None:
    carla = viewer("carla", "Alerts")
    alert_queue.alerts(carla, ALL)
    shown = log().filter(pl.col("action") == "view_messages")
    assert shown.height == 1
    what = json.loads(shown["what"][0])
    assert what["table"] == alert_queue.ALERTS and what["view"] == "alerts"
    assert what["pseudonym_count"] == len(what["pseudonyms"]) > 0
    assert all(token.startswith("P-") for token in what["pseudonyms"])
    assert shown.row(0, named=True)["host"] == "10.1.2.3"


def test_evidence_around_an_alert(gold) -> None:
    carla = viewer("carla")
    alert = alert_queue.alerts(carla, ALL).row(0, named=True)
    thread = records.evidence_for_alert(carla, alert["alert_id"], context=1)
    flagged = thread.filter(pl.col("flagged"))["message_id"].to_list()
    behind = alert_queue.alert(carla, alert["alert_id"])["message_ids"]
    assert flagged and set(flagged) <= set(behind)
    assert thread["sent_at"].is_sorted()
    assert thread.schema["sent_at"] == pl.Datetime("us", "America/Sao_Paulo")
    assert records.evidence_for_alert(carla, "A-nope").is_empty()


def test_export_needs_a_reason_and_logs_the_manifest(gold) -> None:
    carla = viewer("carla", "Evidence")
    employee, counterpart = "P-0a1b2c3d4e5f", "P-9f8e7d6c5b4a"
    thread = records.evidence_between(carla, employee, counterpart, ALL)
    assert thread.height and set(thread["chat_id"]).__len__() == 1
    subject = {"employee_token": employee, "counterpart_token": counterpart}
    with pytest.raises(NotAllowed, match="why you export"):
        records.export_evidence(carla, thread, subject, "porque sim")
    bundle = records.export_evidence(carla, thread, subject, REASON)
    assert exports.verify(bundle.data) == {
        "attachments.csv": True, "metadata.json": True, "thread.csv": True}
    exported = log().filter(pl.col("action") == "export")
    assert exported.select("outcome", "detail").rows() == [
        ("denied", "reason_too_short"), ("granted", None)]
    granted = exported.row(1, named=True)
    assert granted["reason"] == REASON and granted["page"] == "Evidence"
    assert json.loads(granted["what"])["manifest_sha256"] == bundle.manifest_sha256


def test_reidentification_from_the_dashboards_goes_through_the_audited_path(
    gold, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("VIGIA_VAULT_KEY_FILE", str(tmp_path / "keys" / "vault.key"))
    monkeypatch.delenv("VIGIA_VAULT_KEY", raising=False)
    token = "P-0a1b2c3d4e5f"
    Vault(load_keyring(), data.lakehouse_uri()).upsert(
        {token: Identity.of("tel:+5511912345678", display_name="Ana Souza")})
    result = records.reidentify_token(viewer("carla", "Re-identification"), token, REASON)
    assert result.identity.display_name == "Ana Souza"
    for login, reason in [("carla", "curto"), ("maria", REASON)]:
        with pytest.raises(AccessDenied):
            records.reidentify_token(viewer(login), token, reason)
    rows = log().filter(pl.col("action") == "reidentify")
    assert rows.select("user", "outcome", "detail").rows() == [
        ("carla", "granted", None), ("carla", "denied", "reason_too_short"),
        ("maria", "denied", "role_not_allowed")]
    assert rows["page"][0] == "Re-identification" and rows["client"][0] == "pytest-agent"
    assert "Ana Souza" not in str(rows.rows()) and "5511912345678" not in str(rows.rows())


def test_access_log_is_for_the_dpo_and_filters(gold) -> None:
    alert_queue.alerts(viewer("carla"), ALL)
    records.flagged(viewer("maria"), ALL, [], [])
    diego = viewer("diego")
    now = datetime.now(UTC)
    everything = records.access_log(diego, now - timedelta(hours=1), now + timedelta(hours=1))
    assert set(everything["user"]) == {"carla", "maria"}
    only_maria = records.access_log(diego, now - timedelta(hours=1), now + timedelta(hours=1),
                                    users=["maria"])
    assert set(only_maria["user"]) == {"maria"}
    assert records.access_log(diego, now + timedelta(hours=1), now + timedelta(hours=2)).is_empty()


def test_data_quality_reads_the_latest_stored_result(gold) -> None:
    ana = viewer("ana")
    assert checks.latest_results(ana).is_empty()
    t0 = datetime(2024, 4, 1, 6, tzinfo=UTC)
    rows = [(t0, "gold.alerts", "contract", False, "ERROR", "2 rows break x", 10, 1,
             "whole table", "r1"),
            (t0 + timedelta(days=1), "gold.alerts", "contract", True, "ERROR",
             "all 9 rules passed", 10, 0, "whole table", "r2"),
            (t0, "silver.messages", "contract", False, "WARN", "1 warning", 5, 1,
             "event_date 2024-03-31", "r1")]
    lake.append(pl.DataFrame(rows, schema=checks.CHECK_RESULTS_SCHEMA, orient="row"),
                checks.CHECK_RESULTS, base=data.lakehouse_uri())
    latest = checks.latest_results(ana)
    assert latest.select("table_name", "passed", "run_id").rows() == [
        ("silver.messages", False, "r1"), ("gold.alerts", True, "r2")]
    history = checks.result_history(ana)
    assert history["checks"].sum() == 3
    with pytest.raises(NotAllowed):
        checks.latest_results(viewer("maria"))


def test_data_quality_validates_the_latest_partition_now(gold) -> None:
    results = checks.validate_latest(viewer("diego"))
    assert {"gold.message_scores", "gold.contact_frequency_daily", "silver.messages"} <= set(
        results["table_name"])
    last = gold.scores["event_date"].max()
    assert results.filter(pl.col("table_name") == "gold.message_scores")["scope"][0] == (
        f"event_date {last}")
    assert set(results.columns) == set(checks.LIVE_SCHEMA)
