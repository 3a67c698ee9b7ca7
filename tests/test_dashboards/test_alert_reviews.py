"""gold.alert_reviews: the review state machine, append-only rows, the audit trail, refusals."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from gold_lake import write_access_file

from pipelines import lake
from pipelines.analytics.misconduct_trend import latest_outcomes
from pipelines.governance.access_log import read_access_log
from pipelines.governance.access_policy import load_policy
from pipelines.governance.alert_reviews import (
    ALERT_REVIEWS_SCHEMA,
    ALERT_REVIEWS_TABLE,
    AlertState,
    ReviewAction,
    ReviewError,
    current_states,
    next_state,
    pii_in_note,
    read_reviews,
    record_review,
)

ALERT = "A-00112233445566aa"
T0 = datetime(2024, 3, 4, 12, tzinfo=UTC)


def act(action: str, **kw) -> ReviewAction:
    return ReviewAction(ALERT, action, kw.pop("user", "carla"), **kw)


@pytest.mark.parametrize(
    ("state", "action", "after"),
    [
        (AlertState(), act("claim"), AlertState("in_review", "carla")),
        (AlertState(), act("assign", assignee=" bruno "), AlertState("in_review", "bruno")),
        (AlertState("in_review", "carla"), act("escalate", note="needs legal"),
         AlertState("escalated", "carla")),
        (AlertState("escalated", "carla"), act("claim", user="bruno"),
         AlertState("in_review", "bruno")),
        (AlertState("in_review", "carla"), act("resolve", outcome="false_positive"),
         AlertState("resolved", "carla", "false_positive")),
        (AlertState(), act("resolve", outcome="confirmed"), AlertState("resolved", None,
                                                                       "confirmed")),
        (AlertState("resolved", "carla", "confirmed"), act("note", note="sent to legal"),
         AlertState("resolved", "carla", "confirmed")),
        (AlertState("resolved", "carla", "confirmed"), act("reopen", note="new messages"),
         AlertState("open", None, None)),
    ],
)
def test_allowed_transitions(state, action, after) -> None:
    assert next_state(state, action) == after


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        (AlertState("resolved", None, "confirmed"), act("claim"), "allowed only when"),
        (AlertState("resolved", None, "confirmed"), act("resolve", outcome="confirmed"),
         "allowed only when"),
        (AlertState("escalated"), act("escalate", note="again"), "allowed only when"),
        (AlertState(), act("reopen", note="why"), "allowed only when"),
        (AlertState(), act("escalate"), "needs a note"),
        (AlertState(), act("note", note="   "), "needs a note"),
        (AlertState(), act("resolve"), "needs an outcome"),
        (AlertState(), act("resolve", outcome="maybe"), "needs an outcome"),
        (AlertState(), act("assign"), "needs the login"),
        (AlertState(), act("delete"), "unknown review action"),
        (AlertState(), act("note", note="x" * 2001), "longer than"),
        (AlertState(), act("note", note="ligar para (11) 98765-4321"), "phone"),
        (AlertState(), act("note", note="cliente joao@example.com"), "e-mail"),
        (AlertState(), act("note", note="CPF 123.456.789-09"), "CPF"),
    ],
)
def test_refused_transitions_say_why(state, action, message) -> None:
    with pytest.raises(ReviewError, match=message):
        next_state(state, action)


@pytest.mark.parametrize(
    ("note", "found"),
    [("falar com [PESSOA P-0a1b2c3d4e5f] amanhã", None),
     ("mensagem M-0011223344556677 e alerta A-00112233445566aa", None),
     ("ok", None), ("ligar 11987654321", "phone"), ("joao@example.com", "e-mail")],
)
def test_pii_in_note_ignores_pseudonyms_and_ids(note, found) -> None:
    assert pii_in_note(note) == found


@pytest.fixture
def setup(tmp_path):
    base = str(tmp_path / "lake")
    policy = load_policy(write_access_file(tmp_path / "access.yaml"))
    return base, policy


def record(setup, action: ReviewAction, exists: bool = True) -> AlertState:
    base, policy = setup
    return record_review(action, policy=policy, alert_exists=lambda _: exists, base=base,
                         origin={"host": "10.0.0.7", "client": "pytest"}, page="Alerts")


def test_every_action_is_a_new_row_and_the_latest_row_is_the_state(setup) -> None:
    base, _ = setup
    steps = [act("claim", at=T0), act("escalate", note="precisa do jurídico",
                                      at=T0 + timedelta(minutes=1)),
             act("resolve", outcome="false_positive", at=T0 + timedelta(minutes=2)),
             act("note", note="regra fraca", at=T0 + timedelta(minutes=3))]
    for step in steps:
        record(setup, step)
    rows = read_reviews(base)
    assert dict(rows.schema) == ALERT_REVIEWS_SCHEMA
    assert rows["action"].to_list() == ["claim", "escalate", "resolve", "note"]
    assert rows["status"].to_list() == ["in_review", "escalated", "resolved", "resolved"]
    assert lake.delta_table(ALERT_REVIEWS_TABLE, base).version() == 3  # appends only
    state = current_states(rows).row(0, named=True)
    assert (state["status"], state["outcome"], state["assignee"]) == (
        "resolved", "false_positive", "carla")
    # the trend table's reading (latest row's outcome) sees the false positive after the note
    assert latest_outcomes(rows.lazy()).collect().row(0) == (ALERT, "false_positive")
    record(setup, act("reopen", note="novas mensagens", at=T0 + timedelta(minutes=4)))
    assert latest_outcomes(read_reviews(base).lazy()).collect().row(0) == (ALERT, None)


@pytest.mark.parametrize(
    ("user", "action", "exists", "detail"),
    [
        ("maria", act("claim", user="maria"), True, "role_not_allowed"),   # manager
        ("ana", act("claim", user="ana"), True, "role_not_allowed"),       # analyst
        ("mallory", act("claim", user="mallory"), True, "role_not_allowed"),
        ("carla", act("claim"), False, "unknown_alert"),
        ("carla", act("assign", assignee="nobody"), True, "unknown_assignee"),
        ("carla", act("reopen", note="why not"), True, "invalid_action"),
    ],
)
def test_refusals_write_no_review_but_an_audit_row(setup, user, action, exists, detail) -> None:
    base, _ = setup
    with pytest.raises(ReviewError):
        record(setup, action, exists)
    assert read_reviews(base).is_empty()
    log = read_access_log(base)
    assert log.select("user", "action", "outcome", "detail").rows() == [
        (user, "review", "denied", detail)]


def test_granted_action_is_logged_with_origin_and_what(setup) -> None:
    base, _ = setup
    record(setup, act("resolve", outcome="confirmed"))
    row = read_access_log(base).row(0, named=True)
    assert (row["action"], row["outcome"], row["page"], row["host"], row["client"]) == (
        "review", "granted", "Alerts", "10.0.0.7", "pytest")
    assert ALERT in row["what"] and "confirmed" in row["what"]


def test_a_stale_screen_cannot_resolve_twice(setup) -> None:
    record(setup, act("resolve", outcome="confirmed"))
    with pytest.raises(ReviewError, match="someone may have acted"):
        record(setup, act("resolve", outcome="no_action", user="carla"))


def test_reviews_table_obeys_its_contract(setup) -> None:
    from data_contracts import contract_for
    from data_contracts.validation import validate_table

    base, _ = setup
    record(setup, act("claim", at=T0))
    record(setup, act("resolve", outcome="confirmed", at=T0 + timedelta(seconds=1)))
    report = validate_table(contract_for(ALERT_REVIEWS_TABLE), base)
    assert report.passed, [r.description for r in report.errors]
    bad = read_reviews(base).with_columns(pl.lit(None, pl.Utf8).alias("outcome"))
    lake.overwrite(bad, ALERT_REVIEWS_TABLE, base=base)
    assert not validate_table(contract_for(ALERT_REVIEWS_TABLE), base).passed
