"""Cloud API webhook deliveries: every message type, statuses, links, and nothing lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.ingest.cloud_api import parse_deliveries, read_deliveries
from pipelines.ingest.text_lines import physical_lines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cloud_api"
ALL = read_deliveries(FIXTURES / "all_types.jsonl")
BY_ID = {m.wa_message_id: m for m in ALL.messages}


@pytest.mark.parametrize(
    ("wamid", "message_type", "body", "media_kind", "attachment", "original"),
    [
        ("wamid.HBgM0001", "text", "Bom dia, doutora", None, None, None),
        ("wamid.HBgM0003", "image", "foto do contrato", "image", None, None),
        ("wamid.HBgM0004", "document", "segue", "document", "Contrato_assinado.pdf", None),
        ("wamid.HBgM0005", "voice", "", "audio", None, None),
        ("wamid.HBgM0006", "video", "", "video", None, None),
        ("wamid.HBgM0007", "sticker", "", "sticker", None, None),
        (
            "wamid.HBgM0008",
            "location",
            "Fórum João Mendes - Praça João Mendes, São Paulo",
            "location",
            None,
            None,
        ),
        ("wamid.HBgM0009", "contacts", "João Silva", "contact", None, None),
        ("wamid.HBgM0010", "reaction", "👍", None, None, "wamid.OUT0001"),
        ("wamid.HBgM0011", "unreaction", "", None, None, "wamid.OUT0001"),
        ("wamid.HBgM0012", "interactive", "Sim, confirmo", None, None, None),
        ("wamid.HBgM0013", "interactive", "Audiência\nReagendar", None, None, None),
        ("wamid.HBgM0014", "button", "Quero falar", None, None, None),
        ("wamid.HBgM0015", "order", "pedido", None, None, None),
        ("wamid.HBgM0016", "text", "Vi seu anúncio", None, None, None),
        ("wamid.HBgM0017", "unsupported", "", None, None, None),
        ("wamid.HBgM0019", "edit", "Bom dia, doutora Ana", None, None, "wamid.HBgM0001"),
        ("wamid.HBgM0020", "revoke", "", None, None, "wamid.HBgM0002"),
    ],
)
def test_every_message_type(wamid, message_type, body, media_kind, attachment, original):
    m = BY_ID[wamid]
    assert (m.message_type, m.body, m.media_kind, m.attachment_name, m.original_message_id) == (
        message_type,
        body,
        media_kind,
        attachment,
        original,
    )
    assert m.direction == "inbound" and m.client_wa_id == "5511988887777"
    assert m.envelope.business_phone == "5511912345678"
    assert m.envelope.phone_number_id == "106540352242922"


def test_edits_and_revokes_are_flagged_and_linked():
    edit, revoke = BY_ID["wamid.HBgM0019"], BY_ID["wamid.HBgM0020"]
    assert (edit.is_edited, edit.is_deleted) == (True, False)
    assert (revoke.is_edited, revoke.is_deleted) == (False, True)
    assert not any(m.is_edited or m.is_deleted for m in ALL.messages if m not in (edit, revoke))


def test_replies_forwards_system_and_profile_names():
    reply, image = BY_ID["wamid.HBgM0002"], BY_ID["wamid.HBgM0003"]
    assert reply.context_message_id == "wamid.HBgM0001" and not reply.is_forwarded
    assert image.is_forwarded and image.context_message_id is None
    system = BY_ID["wamid.HBgM0018"]
    assert (system.message_type, system.system_event) == ("system", "user_changed_number")
    assert system.contact_name is None  # that delivery has no contacts[]
    assert BY_ID["wamid.HBgM0001"].contact_name == "Maria Lima"


def test_epoch_seconds_become_utc_and_are_kept_as_written():
    m = BY_ID["wamid.HBgM0001"]
    assert m.timestamp == datetime(2025, 10, 27, 13, 0, tzinfo=UTC)
    assert m.timestamp_text == "1761570000"


def test_unknown_fields_stay_in_the_raw_payload():
    raw = json.loads(BY_ID["wamid.HBgM0003"].raw)
    assert raw["future_field"] == {"kept": 1} and raw["image"]["sha256"] == "abc"
    assert json.loads(BY_ID["wamid.HBgM0016"].raw)["referral"]["source_type"] == "ad"


def test_statuses_never_create_messages():
    assert [s.status for s in ALL.statuses] == ["sent", "delivered", "read", "played", "failed"]
    assert not {s.wa_message_id for s in ALL.statuses} & {
        m.wa_message_id for m in ALL.messages if m.direction == "inbound"
    }
    failed = ALL.statuses[-1]
    assert (failed.error_code, failed.error_title) == (131047, "Re-engagement message")
    sent = ALL.statuses[0]
    assert (sent.conversation_id, sent.pricing_category) == ("conv1", "service")
    assert len(ALL.messages) == 21 and ALL.deliveries == 21


def test_echoes_are_the_business_side():
    echo = next(m for m in ALL.messages if m.direction == "outbound")
    assert (echo.from_id, echo.to_id, echo.client_wa_id) == (
        "5511912345678",
        "5511988887777",
        "5511988887777",
    )
    assert echo.envelope.field == "smb_message_echoes"


def test_several_records_per_delivery_keep_their_position():
    two = [m for m in ALL.messages if m.envelope.line_number == 2]
    assert [m.item_index for m in two] == [0, 1]
    assert len({m.envelope.delivery_sha256 for m in two}) == 1
    statuses_line = {s.envelope.line_number for s in ALL.statuses}
    assert len(statuses_line) == 1
    assert [s.item_index for s in ALL.statuses] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("name", "layout", "messages", "statuses"),
    [("pretty.json", "cloud-api-json", 2, 0), ("array.json", "cloud-api-json-lines", 1, 5)],
)
def test_json_documents(name, layout, messages, statuses):
    parsed = read_deliveries(FIXTURES / name)
    assert (parsed.layout, len(parsed.messages), len(parsed.statuses)) == (
        layout,
        messages,
        statuses,
    )
    assert parsed.quarantined == []
    lines = {m.envelope.line_count for m in parsed.messages}
    assert lines == {parsed.total_lines}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (2, "not valid JSON"),
        (3, "empty line"),
        (4, "messages[0].timestamp is not epoch seconds"),
        (5, "messages[1].timestamp is not epoch seconds"),
        (6, "not a webhook delivery"),
        (7, "holds no messages"),
        (8, "statuses[0].status is missing"),
        (9, "'reaction.message_id' is missing"),
        (10, "is not an object"),
    ],
)
def test_broken_deliveries_are_quarantined_whole_with_a_reason(line, reason):
    parsed = read_deliveries(FIXTURES / "broken.jsonl")
    by_line = {q.line_number: q for q in parsed.quarantined}
    assert reason in by_line[line].reason and by_line[line].reason.startswith(f"line {line}:")
    text = (FIXTURES / "broken.jsonl").read_text(encoding="utf-8")
    assert by_line[line].raw == physical_lines(text)[line - 1]


def test_broken_file_reconciles():
    parsed = read_deliveries(FIXTURES / "broken.jsonl")
    assert {m.envelope.line_number for m in parsed.messages} == {1, 11}
    assert not any(m.wa_message_id == "wamid.HBgM0030" for m in parsed.messages)  # line 5
    parsed_lines = len({m.envelope.line_number for m in parsed.messages})
    assert parsed_lines + len(parsed.quarantined) == parsed.total_lines == 11


@pytest.mark.parametrize("text", ["", "\n", "{", "[]", "{}", "null", "[[[[", "\ufeff{}"])
def test_odd_input_never_raises(text):
    parsed = parse_deliveries(text)
    assert sum(q.line_count for q in parsed.quarantined) == parsed.total_lines
