"""Notifications: recipients from the directory, and the outbox, webhook and SMTP channels
against real local servers; no payload carries a name, phone or e-mail address."""

from __future__ import annotations

import email
import json
import re
from datetime import UTC, date, datetime

import polars as pl
import pytest

from pipelines.conform.directory import Directory
from pipelines.notify.channels import (
    NotifyError,
    OutboxChannel,
    SmtpChannel,
    WebhookChannel,
    build_channels,
    deliver,
)
from pipelines.notify.payload import ALERT_FIELDS, Recipient, build_payload
from pipelines.notify.pending import new_alerts
from pipelines.notify.recipients import Managers, email_of
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.settings import NotifySettings
from pipelines.synthetic.law_firm import generate

KEY = bytes.fromhex("6b" * 32)


@pytest.fixture(scope="module")
def firm(tmp_path_factory):
    root = tmp_path_factory.mktemp("firm")
    generate(root, days=2, employees=6, clients=12, seed=5, end=date(2026, 10, 30))
    directory = Directory.load(root / "landing" / "reference")
    people = pl.read_csv(root / "ground_truth" / "people.csv", infer_schema=False)
    return directory, Pseudonymizer(KEY, directory.aliases()), people


def alert(n: int, employee_token: str | None, team: str | None = "Trabalhista", **extra) -> dict:
    return {
        "alert_id": f"A-{n:016x}",
        "event_date": date(2026, 10, 5),
        "category": "bribery",
        "severity": "high",
        "score": 0.9333333,
        "status": "open",
        "chat_id": "C-00000000000000a1",
        "team": team,
        "employee_token": employee_token,
        "counterpart_token": "P-0000000000c1",
        "first_seen": datetime(2026, 10, 5, 12, tzinfo=UTC),
        "last_seen": datetime(2026, 10, 6, 9, tzinfo=UTC),
        "last_event_date": date(2026, 10, 6),
        "days": 2,
        "message_ids": ["M-0000000000000001"],
        "rule_ids": ["bribery.pt.agrado"],
        "signal_ids": [],
        "snippet": "[PESSOA P-123456789abc], precisa de um agrado pro cartório",
        "reason": "bribery in this conversation on 2026-10-05; the other party accepted",
        **extra,
    }


def employees(directory: Directory):
    return [p for p in directory.people if p.kind == "employee"]


def test_the_manager_comes_from_the_directory(firm):
    directory, pseudo, _ = firm
    staff = {p.person_id: p for p in employees(directory)}
    worker = next(p for p in staff.values() if p.manager_id)
    boss = staff[worker.manager_id]
    managers = Managers(directory, pseudo.token, {"Trabalhista": "socios@example.org"})
    found = managers.recipient(pseudo.token(worker.canonical), worker.team)
    assert found.route == "directory"
    assert found.manager_token == pseudo.token(boss.canonical)
    assert found.address == email_of(boss) and "@" in found.address


def test_without_a_manager_the_team_address_from_config_then_nobody(firm):
    directory, pseudo, _ = firm
    head = next(p for p in employees(directory) if not p.manager_id)
    token = pseudo.token(head.canonical)
    configured = Managers(directory, pseudo.token, {head.team: "socios@example.org"})
    assert configured.recipient(token, head.team) == Recipient(
        head.team, None, "config", "socios@example.org"
    )
    assert Managers(directory, pseudo.token).recipient(token, head.team).route == "unassigned"
    assert Managers(directory, pseudo.token).recipient("P-ffffffffffff", None).route == (
        "unassigned"
    )


def test_payload_is_an_allow_list_of_alert_fields():
    payload = build_payload(
        alert(1, "P-0000000000e1", secret="x"), Recipient("T", None, "config", "a@b.c")
    )
    assert set(payload["alert"]) == set(ALERT_FIELDS)
    assert payload["alert"]["score"] == 0.9333
    assert payload["alert"]["first_seen"] == "2026-10-05T12:00:00+00:00"
    assert "a@b.c" not in json.dumps(payload)


def test_outbox_writes_one_json_file_per_alert(tmp_path):
    channel = OutboxChannel(tmp_path / "outbox")
    recipient = Recipient("Trabalhista", "P-0000000000aa", "directory", "boss@example.org")
    for n in (1, 2, 1):  # sending the same alert again rewrites its file
        channel.send(build_payload(alert(n, "P-0000000000e1"), recipient), recipient)
    files = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert files == ["A-0000000000000001.json", "A-0000000000000002.json"]
    data = json.loads((tmp_path / "outbox" / files[0]).read_text(encoding="utf-8"))
    assert data["alert"]["alert_id"] == "A-0000000000000001"
    assert data["to"] == {
        "team": "Trabalhista",
        "manager_token": "P-0000000000aa",
        "route": "directory",
    }


def test_webhook_posts_the_json_payload(webhook_server):
    channel = WebhookChannel(webhook_server.url)
    recipient = Recipient("Trabalhista", "P-0000000000aa", "directory", "boss@example.org")
    channel.send(build_payload(alert(1, "P-0000000000e1"), recipient), recipient)
    (request,) = webhook_server.requests
    assert request["path"] == "/hooks/vigia?token=s3cret"
    assert request["headers"]["Content-Type"].startswith("application/json")
    body = json.loads(request["body"])
    assert body["alert"]["alert_id"] == "A-0000000000000001"
    assert body["to"]["manager_token"] == "P-0000000000aa"


@pytest.mark.parametrize("status", [400, 500])
def test_webhook_errors_name_host_and_alert_not_the_url(webhook_server, status):
    webhook_server.status = status
    recipient = Recipient("T", None, "unassigned")
    with pytest.raises(
        NotifyError, match=f"127.0.0.1: alert A-0000000000000001 .*HTTP {status}"
    ) as err:
        WebhookChannel(webhook_server.url).send(build_payload(alert(1, None), recipient), recipient)
    assert "s3cret" not in str(err.value)


def test_webhook_server_down():
    recipient = Recipient("T", None, "unassigned")
    channel = WebhookChannel("http://127.0.0.1:9/x", timeout_s=2)
    with pytest.raises(NotifyError, match="not delivered"):
        channel.send(build_payload(alert(1, None), recipient), recipient)


def smtp_settings(port: int) -> NotifySettings:
    return NotifySettings(
        channels=("smtp",),
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="vigia@firm.example",
        smtp_starttls=False,
        timeout_s=5,
    )


def test_smtp_mails_the_manager(smtp_sink):
    channel = SmtpChannel(smtp_settings(smtp_sink.server_address[1]))
    recipient = Recipient("Trabalhista", "P-0000000000aa", "directory", "boss@example.org")
    channel.send(build_payload(alert(1, "P-0000000000e1"), recipient), recipient)
    (sent,) = smtp_sink.messages
    assert sent["to"] == ["boss@example.org"]
    mail = email.message_from_bytes(sent["data"])
    assert mail["Subject"] == "[Vigia] high bribery alert A-0000000000000001 (Trabalhista)"
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "A-0000000000000001" in body and "agrado" in body


def test_smtp_without_an_address_or_server(smtp_sink):
    unassigned = Recipient("T", None, "unassigned")
    channel = SmtpChannel(smtp_settings(smtp_sink.server_address[1]))
    with pytest.raises(NotifyError, match="no recipient address .*notify.managers"):
        channel.send(build_payload(alert(1, None), unassigned), unassigned)
    down = SmtpChannel(smtp_settings(9))
    known = Recipient("T", None, "config", "boss@example.org")
    with pytest.raises(NotifyError, match="smtp to 127.0.0.1:9: alert A-0000000000000001 not sent"):
        down.send(build_payload(alert(1, None), known), known)
    assert smtp_sink.messages == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"VIGIA_NOTIFY_CHANNELS": "outbox,pager"}, "pager is not a channel"),
        ({"VIGIA_NOTIFY_CHANNELS": "webhook"}, "needs VIGIA_NOTIFY_WEBHOOK_URL"),
        ({"VIGIA_NOTIFY_CHANNELS": "smtp"}, "needs VIGIA_SMTP_HOST"),
        ({"VIGIA_NOTIFY_CHANNELS": "webhook", "VIGIA_NOTIFY_WEBHOOK_URL": "ftp://x"}, "http"),
    ],
)
def test_channel_settings_errors(env, message):
    with pytest.raises(NotifyError, match=message):
        build_channels(NotifySettings.from_env(env))


def test_default_channel_is_the_outbox(tmp_path):
    (channel,) = build_channels(NotifySettings.from_env({"VIGIA_OUTBOX_DIR": str(tmp_path)}))
    assert isinstance(channel, OutboxChannel) and channel.folder == tmp_path
    with pytest.raises(ValueError, match="VIGIA_SMTP_PORT"):
        NotifySettings.from_env({"VIGIA_SMTP_PORT": "twenty-five"})
    assert "s3cret" not in repr(
        NotifySettings(webhook_url="http://h/?t=s3cret", smtp_password="s3cret")
    )


def test_new_alerts_are_those_not_already_notified_at_that_severity():
    rows = [alert(1, None), alert(2, None, severity="low"), alert(3, None)]
    current = pl.DataFrame(rows)
    previous = pl.DataFrame([alert(1, None), alert(3, None, severity="low")])
    assert new_alerts(current, None, "medium")["alert_id"].to_list() == [
        "A-0000000000000001",
        "A-0000000000000003",
    ]
    assert new_alerts(current, previous, "medium")["alert_id"].to_list() == ["A-0000000000000003"]
    assert new_alerts(current, current, "low").is_empty()


def _identifiers(people: pl.DataFrame) -> list[str]:
    found = set()
    for row in people.iter_rows(named=True):
        for column in ("name", "phone_e164", "phone_as_written", "email"):
            if row.get(column):
                found.add(row[column].lower())
        if row.get("phone_e164"):
            found.update({row["phone_e164"].lstrip("+"), row["phone_e164"][3:]})
        if row.get("name"):
            found.update(part.lower() for part in row["name"].split() if len(part) > 3)
    return sorted(v for v in found if len(v) >= 4)


def test_no_name_phone_or_email_of_the_directory_in_any_notification(
    firm, tmp_path, webhook_server, smtp_sink
):
    directory, pseudo, people = firm
    settings = NotifySettings(
        channels=("outbox", "webhook", "smtp"),
        outbox_dir=tmp_path,
        webhook_url=webhook_server.url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_sink.server_address[1],
        smtp_starttls=False,
    )
    channels = build_channels(settings)
    managers = Managers(directory, pseudo.token)
    staff = employees(directory)
    for n, person in enumerate(staff):
        row = alert(n, pseudo.token(person.canonical), person.team)
        recipient = managers.recipient(row["employee_token"], row["team"])
        errors = deliver(channels, build_payload(row, recipient), recipient)
        assert errors == [] or (recipient.address is None and len(errors) == 1)
    sent = [p.read_text(encoding="utf-8") for p in tmp_path.glob("*.json")]
    sent += [r["body"].decode("utf-8") for r in webhook_server.requests]
    for mail in smtp_sink.messages:
        parsed = email.message_from_bytes(mail["data"])
        sent.append(parsed["Subject"] + parsed.get_payload(decode=True).decode("utf-8"))
    assert len(sent) >= 2 * len(staff) + 1
    identifiers = _identifiers(people)
    assert len(identifiers) > 30
    text = "\n".join(sent).lower()
    leaks = [v for v in identifiers if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text)]
    assert leaks == []
    assert re.search(r"p-[0-9a-f]{12}", text)  # the pseudonyms are there instead
