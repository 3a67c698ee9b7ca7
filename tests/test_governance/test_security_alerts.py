"""Security alerts from the access log: each shipped rule fires on its case and not on the
near miss; the sensor notifies each new alert once, without the login."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import dagster as dg
import polars as pl
import pytest

from pipelines import lake
from pipelines.analytics.calendar import BusinessCalendar
from pipelines.defs.detection.sensors import NotifierResource
from pipelines.defs.governance.security import security_alert_notifications
from pipelines.defs.resources import LakehouseResource
from pipelines.governance.access_log import ACCESS_LOG_SCHEMA, AccessEvent, describe
from pipelines.governance.access_policy import AccessPolicy, Account
from pipelines.governance.security_alerts import (
    SECURITY_ALERTS_SCHEMA,
    security_alerts,
)
from pipelines.governance.security_rules import DEFAULT_FILE, load_security_rules

TZ = "America/Sao_Paulo"
WEDNESDAY = date(2026, 10, 28)
FINADOS = date(2026, 11, 2)  # a Monday, national holiday
EMPLOYEE_TEAMS = {"P-0000000000a1": "Trabalhista", "P-0000000000b2": "Tributário"}
POLICY = AccessPolicy(
    users={"ana.mgr": "manager", "carla": "compliance", "dora": "dpo"},
    permissions={
        "manager": frozenset({"view_aggregates", "view_messages", "view_alerts"}),
        "compliance": frozenset({"all_teams", "reidentify", "view_messages", "view_evidence"}),
        "dpo": frozenset({"reidentify", "view_access_log"}),
    },
    accounts={
        "ana.mgr": Account("ana.mgr", "Ana", teams=("Trabalhista",)),
        "carla": Account("carla", "Carla"),
        "dora": Account("dora", "Dora"),
    },
)
RULES = load_security_rules(DEFAULT_FILE)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """São Paulo wall-clock time (UTC-3) as a UTC instant."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) + timedelta(hours=3)


def event(user: str, action: str, when: datetime, outcome: str = "granted", **extra):
    return AccessEvent(
        user=user,
        role=POLICY.role_of(user),
        action=action,
        outcome=outcome,
        at=when,
        host="10.0.0.9",
        client="test",
        **extra,
    )


def log(*events: AccessEvent) -> pl.DataFrame:
    return pl.DataFrame(
        {name: [getattr(e, name) for e in events] for name in ACCESS_LOG_SCHEMA},
        schema=ACCESS_LOG_SCHEMA,
    )


def alerts(*events: AccessEvent) -> pl.DataFrame:
    return security_alerts(
        log(*events),
        RULES,
        timezone=TZ,
        calendar=BusinessCalendar(),
        policy=POLICY,
        employee_teams=EMPLOYEE_TEAMS,
    )


def fired(*events: AccessEvent) -> list[tuple[str, str | None]]:
    return sorted(alerts(*events).select("rule_id", "user").rows(), key=str)


def many(n: int, user: str, action: str, start: datetime, step_min: int = 10, **extra):
    return [event(user, action, start + timedelta(minutes=step_min * i), **extra) for i in range(n)]


# One case per rule: it fires, and its near miss does not --------------------------------------


def test_five_reidentifications_in_a_local_day_fire_four_do_not():
    five = many(5, "carla", "reidentify", at(WEDNESDAY, 9), token="P-0000000000c3")
    assert fired(*five) == [("reidentifications_per_day", "carla")]
    assert fired(*five[:4]) == []
    # 4 late on Wednesday + 1 early Thursday (local) are two days, even though in UTC the
    # Wednesday evening events fall on Thursday
    split = many(4, "carla", "reidentify", at(WEDNESDAY, 21)) + [
        event("carla", "reidentify", at(WEDNESDAY + timedelta(days=1), 9))
    ]
    assert ("reidentifications_per_day", "carla") not in fired(*split)


def test_alert_row_has_window_counts_evidence_and_reason():
    five = many(5, "carla", "reidentify", at(WEDNESDAY, 9))
    [row] = alerts(*five).rows(named=True)
    assert row["alert_id"].startswith("S-") and len(row["alert_id"]) == 18
    assert row["window_start"] == at(WEDNESDAY, 0)
    assert row["window_end"] == at(date(2026, 10, 29), 0)
    assert row["event_date"] == WEDNESDAY and row["window"] == "1d"
    assert (row["event_count"], row["threshold"], row["severity"]) == (5, 5, "high")
    assert (row["first_at"], row["last_at"]) == (five[0].at, five[-1].at)
    assert sorted(row["event_ids"]) == sorted(e.event_id for e in five)
    assert row["role"] == "compliance"
    assert (
        "5 events in the 1d window from 2026-10-28 00:00 local time (threshold 5)"
        in (row["reason"])
    )
    assert "carla" not in row["reason"]
    # the same log read again (or with later events) gives the same id
    assert alerts(*five, event("dora", "login", at(WEDNESDAY, 10)))["alert_id"].to_list() == [
        row["alert_id"]
    ]


@pytest.mark.parametrize(
    ("when", "outcome", "expected"),
    [
        (at(WEDNESDAY, 22), "granted", True),  # evening
        (at(WEDNESDAY, 7, 59), "granted", True),  # before 08:00
        (at(date(2026, 10, 31), 11), "granted", True),  # Saturday
        (at(FINADOS, 11), "granted", True),  # holiday
        (at(WEDNESDAY, 8), "granted", False),  # first business hour
        (at(WEDNESDAY, 18, 59), "granted", False),
        (at(WEDNESDAY, 22), "denied", False),  # nothing was shown
    ],
)
def test_reading_messages_outside_working_hours(when, outcome, expected):
    found = fired(event("carla", "view_messages", when, outcome=outcome))
    assert (("after_hours_access", "carla") in found) is expected


@pytest.mark.parametrize(
    ("what", "expected"),
    [
        (describe("silver.messages", {}, rows=1000), True),
        (describe("silver.messages", {}, [f"P-{i:012x}" for i in range(1500)]), True),
        (describe("silver.messages", {}, rows=999), False),
        ("not json", False),
        (None, False),
    ],
)
def test_bulk_export_by_rows_or_pseudonyms(what, expected):
    found = fired(event("carla", "export", at(WEDNESDAY, 10), what=what))
    assert (("bulk_export", "carla") in found) is expected


def test_ten_exports_within_a_clock_hour_fire_nine_do_not():
    ten = many(10, "carla", "export", at(WEDNESDAY, 14), step_min=5)
    assert ("exports_per_hour", "carla") in fired(*ten)
    assert ("exports_per_hour", "carla") not in fired(*ten[:9])


@pytest.mark.parametrize(
    ("user", "what", "expected"),
    [
        ("ana.mgr", describe(None, {"teams": ["Trabalhista"]}), False),
        ("ana.mgr", describe(None, {"teams": []}), False),  # "all I may see"
        ("ana.mgr", describe(None, {"teams": ["Trabalhista", "Tributário"]}), True),
        ("ana.mgr", describe("gold.alerts", {}, ["P-0000000000b2"]), True),  # other team shown
        ("ana.mgr", describe("gold.alerts", {"employee_token": "P-0000000000b2"}), True),
        ("ana.mgr", describe("gold.alerts", {}, ["P-0000000000a1", "P-0000000000ff"]), False),
        ("carla", describe(None, {"teams": ["Tributário"]}), False),  # all_teams
    ],
)
def test_reading_a_team_outside_the_users_role(user, what, expected):
    found = fired(event(user, "view_messages", at(WEDNESDAY, 10), what=what))
    assert (("teams_outside_role", user) in found) is expected


def test_failed_logins_keep_only_account_names():
    known = many(5, "ana.mgr", "login_failed", at(WEDNESDAY, 10, 1), step_min=2, outcome="denied")
    typed = [
        event(name, "login_failed", at(WEDNESDAY, 11, 2 * i), outcome="denied")
        for i, name in enumerate(["ana@firma.com.br", "root", "admin", "11987654321", "x"])
    ]
    rows = alerts(*known, *typed).filter(pl.col("rule_id") == "failed_logins")
    assert dict(zip(rows["user"], rows["event_count"], strict=True)) == {"ana.mgr": 5, None: 5}
    text = rows.write_json()
    assert "ana@firma" not in text and "11987654321" not in text and "admin" not in text
    assert fired(*known[:4]) == []


def test_refused_requests_are_counted_but_not_failed_logins():
    denied = many(3, "ana.mgr", "reidentify", at(WEDNESDAY, 10), outcome="denied")
    assert ("denied_requests_per_day", "ana.mgr") in fired(*denied)
    logins = many(3, "ana.mgr", "login_failed", at(WEDNESDAY, 10), step_min=30, outcome="denied")
    assert fired(*logins) == []


def test_an_ordinary_day_raises_nothing():
    day = [
        event("ana.mgr", "login", at(WEDNESDAY, 9)),
        event("ana.mgr", "page_view", at(WEDNESDAY, 9, 1), what=describe(None, {"teams": []})),
        event("carla", "reidentify", at(WEDNESDAY, 10)),
        event("carla", "export", at(WEDNESDAY, 11), what=describe("silver.messages", {}, rows=40)),
        event("dora", "reidentify", at(WEDNESDAY, 12), outcome="denied"),
    ]
    assert fired(*day) == []
    empty = security_alerts(log(), RULES, timezone=TZ, calendar=BusinessCalendar(), policy=POLICY)
    assert dict(empty.schema) == SECURITY_ALERTS_SCHEMA and empty.is_empty()


# The sensor -------------------------------------------------------------------------------


def test_the_sensor_notifies_each_new_alert_once_without_the_login(tmp_path, monkeypatch):
    monkeypatch.delenv("VIGIA_SECURITY_RULES_FILE", raising=False)
    base = str(tmp_path / "lakehouse")
    resources = {
        "lakehouse": LakehouseResource(uri=base),
        "notifier": NotifierResource(channels="outbox", outbox_dir=str(tmp_path / "outbox")),
    }

    def tick(cursor):
        return security_alert_notifications(
            dg.build_sensor_context(cursor=cursor, resources=resources)
        )

    assert isinstance(tick(None), dg.SkipReason)  # no table yet
    reids = many(5, "carla", "reidentify", at(WEDNESDAY, 9))
    first = alerts(*reids)
    lake.overwrite(first, "gold.security_alerts", base=base)
    result = tick(None)
    outbox = sorted((tmp_path / "outbox").glob("S-*.json"))
    assert [p.stem for p in outbox] == first["alert_id"].to_list()
    payload = json.loads(outbox[0].read_text())
    assert payload["type"] == "vigia.security_alert"
    assert payload["alert"]["rule_id"] == "reidentifications_per_day"
    assert payload["alert"]["severity"] == "high" and payload["alert"]["event_count"] == 5
    assert payload["to"]["route"] == "unassigned"
    assert "carla" not in json.dumps(payload)
    # unchanged table: nothing; a new version with one more (notifiable) alert: only that one
    assert isinstance(tick(result.cursor), dg.SkipReason)
    after_hours = event("ana.mgr", "view_messages", at(WEDNESDAY, 23))
    low = many(3, "dora", "reidentify", at(WEDNESDAY, 10), outcome="denied")  # low: not sent
    second = alerts(*reids, after_hours, *low)
    assert set(second["rule_id"]) == {
        "reidentifications_per_day",
        "after_hours_access",
        "denied_requests_per_day",
    }
    lake.overwrite(second, "gold.security_alerts", base=base)
    tick(result.cursor)
    sent = sorted(p.stem for p in (tmp_path / "outbox").glob("S-*.json"))
    expected = second.filter(pl.col("rule_id") != "denied_requests_per_day")["alert_id"]
    assert sent == sorted(expected.to_list())
