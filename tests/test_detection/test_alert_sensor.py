"""The alert sensor notifies each new alert at or above the notify severity exactly once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import dagster as dg
import polars as pl
import pytest

from pipelines import lake
from pipelines.conform.directory import Directory
from pipelines.defs.detection.sensors import NotifierResource, alert_notifications
from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.detection.alerts import ALERTS_SCHEMA
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.synthetic.law_firm import generate

KEY_HEX = "6b" * 32


@pytest.fixture
def setup(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIA_KEY", KEY_HEX)
    for name in ("VIGIA_NOTIFY_CHANNELS", "VIGIA_NOTIFY_WEBHOOK_URL", "VIGIA_DETECTION_FILE"):
        monkeypatch.delenv(name, raising=False)
    generate(tmp_path, days=2, employees=4, clients=6, seed=3, end=date(2026, 10, 30))
    directory = Directory.load(tmp_path / "landing" / "reference")
    pseudo = Pseudonymizer(bytes.fromhex(KEY_HEX), directory.aliases())
    worker = next(p for p in directory.people if p.kind == "employee" and p.manager_id)
    resources = {
        "lakehouse": LakehouseResource(uri=str(tmp_path / "lakehouse")),
        "firm": FirmResource(landing_dir=str(tmp_path / "landing")),
        "notifier": NotifierResource(channels="outbox", outbox_dir=str(tmp_path / "outbox")),
    }
    manager = pseudo.token(directory.employee(worker.manager_id).canonical)
    return tmp_path, resources, pseudo.token(worker.canonical), manager


def alerts(employee: str, *rows: tuple[int, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "alert_id": f"A-{n:016x}",
                "event_date": date(2026, 10, n),
                "category": "off_channel",
                "severity": severity,
                "score": {"low": 0.5, "medium": 0.75, "high": 0.95}[severity],
                "status": "open",
                "chat_id": "C-00000000000000a1",
                "team": "Trabalhista",
                "employee_token": employee,
                "counterpart_token": "P-0000000000c1",
                "first_seen": datetime(2026, 10, n, 12, tzinfo=UTC),
                "last_seen": datetime(2026, 10, n, 13, tzinfo=UTC),
                "last_event_date": date(2026, 10, n),
                "days": 1,
                "message_ids": [f"M-{n:016x}"],
                "rule_ids": ["off_channel.pt.outro_aplicativo"],
                "signal_ids": [],
                "snippet": "Melhor a gente continuar lá no Telegram",
                "reason": "off_channel in this conversation",
            }
            for n, severity in rows
        ],
        schema=ALERTS_SCHEMA,
    )


def tick(resources: dict, cursor: str | None):
    context = dg.build_sensor_context(cursor=cursor, resources=resources)
    return alert_notifications(context)


def outbox(root) -> list[str]:
    folder = root / "outbox"
    return sorted(p.stem for p in folder.glob("*.json")) if folder.exists() else []


def test_no_table_no_notifications(setup):
    root, resources, _, _ = setup
    assert isinstance(tick(resources, None), dg.SkipReason)
    assert outbox(root) == []


def test_each_alert_is_notified_once_and_only_at_the_notify_severity(setup):
    root, resources, employee, manager = setup
    base = resources["lakehouse"].uri
    lake.overwrite(alerts(employee, (1, "high"), (2, "low")), "gold.alerts", base=base)
    first = tick(resources, None)
    assert outbox(root) == ["A-0000000000000001"]  # the low alert waits
    cursor = json.loads(first.cursor)
    assert cursor["last"] == "A-0000000000000001"
    payload = json.loads((root / "outbox" / "A-0000000000000001.json").read_text())
    assert payload["to"] == {"team": "Trabalhista", "manager_token": manager, "route": "directory"}

    assert isinstance(tick(resources, first.cursor), dg.SkipReason)  # same version: nothing

    (root / "outbox" / "A-0000000000000001.json").unlink()
    # the next run rederives the table: alert 2 rose to medium, alert 3 is new (an old date)
    lake.overwrite(
        alerts(employee, (1, "high"), (2, "medium"), (3, "medium")), "gold.alerts", base=base
    )
    second = tick(resources, first.cursor)
    assert outbox(root) == ["A-0000000000000002", "A-0000000000000003"]  # not 1 again
    assert json.loads(second.cursor)["version"] == json.loads(first.cursor)["version"] + 1


def test_a_failing_channel_keeps_the_notification_in_undelivered(setup, monkeypatch):
    root, resources, employee, _ = setup
    lake.overwrite(alerts(employee, (1, "high")), "gold.alerts", base=resources["lakehouse"].uri)
    monkeypatch.setenv("VIGIA_NOTIFY_WEBHOOK_URL", "http://127.0.0.1:9/down")
    resources["notifier"] = NotifierResource(channels="webhook", outbox_dir=str(root / "outbox"))
    result = tick(resources, None)
    assert json.loads(result.cursor)["last"] == "A-0000000000000001"
    assert [p.stem for p in (root / "outbox" / "undelivered").glob("*.json")] == [
        "A-0000000000000001"
    ]


def test_an_unreadable_cursor_version_moves_on_without_resending(setup):
    root, resources, employee, _ = setup
    lake.overwrite(alerts(employee, (1, "high")), "gold.alerts", base=resources["lakehouse"].uri)
    result = tick(resources, json.dumps({"version": 99, "last": None}))
    assert outbox(root) == []
    assert json.loads(result.cursor)["version"] == 0
