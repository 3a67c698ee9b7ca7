"""The consent ledger (silver.consents) and the consent checks (gold.consent_violations)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from pipelines.analytics.call_volume import call_volume_daily
from pipelines.conform.directory import ReferenceDataError
from pipelines.governance.consent_checks import (
    VIOLATIONS_SCHEMA,
    call_violations,
    consent_state,
    message_violations,
    no_consent_calls,
)
from pipelines.governance.consents import CONSENTS_SCHEMA, load_consents
from pipelines.governance.reference_files import REJECTS_SCHEMA, rejects_frame
from tests.test_governance.governance_frames import (
    PSEUDO,
    call,
    calls,
    message,
    messages,
    token,
    utc,
    write_csv,
)

TZ = "America/Sao_Paulo"
ANA, BRUNO, CAIO = "+5511987654321", "+5521998765432", "+5531991234567"
DAY = date(2026, 10, 28)
HEADER = "phone,channel,status,recorded_at,source\n"


def ledger(*rows: tuple[str, str, str, datetime]) -> pl.DataFrame:
    """(phone, channel, status, instant) rows as silver.consents."""
    return pl.DataFrame(
        [
            {
                "person_token": token(phone),
                "channel": channel,
                "kind": "consent",
                "status": status,
                "recorded_at": at,
                "utc_offset_minutes": -180,
                "source": "contrato",
                "source_file": "reference/consents.csv",
                "line_number": i + 2,
            }
            for i, (phone, channel, status, at) in enumerate(rows)
        ],
        schema=CONSENTS_SCHEMA,
    )


# Loading -----------------------------------------------------------------------------------


def test_rows_are_pseudonymised_typed_and_in_utc(tmp_path):
    folder = tmp_path / "reference"
    write_csv(
        folder,
        "consents.csv",
        HEADER + "(11) 98765-4321,whatsapp,given,2026-01-05T10:00:00-03:00,contrato\n"
        "5511987654321,CALL,Withdrawn,2026-03-01 09:30,Telefone\n"
        "+55 21 99876-5432,recording,refused,2026-02-01,\n",
    )
    load = load_consents(folder, PSEUDO, TZ)
    frame = load.frame
    assert dict(frame.schema) == CONSENTS_SCHEMA and load.rejects == []
    assert frame["person_token"].to_list() == [token(ANA), token(ANA), token(BRUNO)]
    assert frame["channel"].to_list() == ["whatsapp", "call", "recording"]
    assert frame["status"].to_list() == ["given", "withdrawn", "refused"]
    assert frame["kind"].to_list() == ["consent"] * 3
    # an offset as written; without one, São Paulo local time; a bare date is local midnight
    assert frame["recorded_at"].to_list() == [
        datetime(2026, 1, 5, 13, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
        datetime(2026, 2, 1, 3, tzinfo=UTC),
    ]
    assert frame["source"].to_list() == ["contrato", "telefone", None]
    assert frame["line_number"].to_list() == [2, 3, 4]
    assert load.files == {"reference/consents.csv": {"rows": 3, "loaded": 3, "rejected": 0}}
    text = frame.write_csv()
    assert "98765" not in text and "99876" not in text


def test_semicolons_portuguese_header_kind_and_every_consents_file(tmp_path):
    folder = tmp_path / "reference"
    write_csv(
        folder,
        "consents_2026.csv",
        "telefone;canal;situação;data;origem;tipo\n"
        "31991234567;whatsapp;given;2026-04-01T08:00:00Z;site;notice\n",
    )
    write_csv(folder, "consents.csv", HEADER + f"{ANA},call,given,2026-01-01T00:00:00Z,email\n")
    write_csv(folder, "clients.csv", "client_id,name,phone\nC1,Ana,11987654321\n")  # not a ledger
    load = load_consents(folder, PSEUDO, TZ)
    assert sorted(load.files) == ["reference/consents.csv", "reference/consents_2026.csv"]
    assert load.frame.filter(pl.col("kind") == "notice")["person_token"].to_list() == [token(CAIO)]


@pytest.mark.parametrize(
    ("line", "field", "rule"),
    [
        ("12345,call,given,2026-01-01,x", "phone", "is not a valid phone number"),
        (",call,given,2026-01-01,x", "phone", "is empty"),
        (f"{ANA},sms,given,2026-01-01,x", "channel", "must be one of whatsapp, call, recording"),
        (f"{ANA},call,maybe,2026-01-01,x", "status", "must be one of given, refused, withdrawn"),
        (f"{ANA},call,given,ontem,x", "recorded_at", "is not a date-time"),
        (f"{ANA},call,given,2026-13-40,x", "recorded_at", "is not a date-time"),
        (f"{ANA},call,given,2026-01-01,ana@example.com", "source", "looks like personal data"),
        (f"{ANA},call,given,2026-01-01,tel 11987654321", "source", "looks like personal data"),
    ],
)
def test_a_bad_row_is_rejected_naming_file_line_field_never_the_value(tmp_path, line, field, rule):
    folder = tmp_path / "reference"
    good = f"{BRUNO},whatsapp,given,2026-01-01T00:00:00Z,contrato\n"
    write_csv(folder, "consents.csv", HEADER + good + "\n" + line + "\n" + good)
    load = load_consents(folder, PSEUDO, TZ)
    assert load.frame["line_number"].to_list() == [2, 5]  # the blank line 3 is no row
    [bad] = load.rejects
    assert (bad.source_file, bad.line_number, bad.field, bad.kind) == (
        "reference/consents.csv",
        4,
        field,
        "consents",
    )
    assert bad.reason.startswith(f"reference/consents.csv, line 4: {field}: {rule}")
    assert "fix the row" in bad.reason
    for value in line.split(","):
        if len(value) >= 5 and value not in (field, "given", "call"):
            assert value not in bad.reason
    counts = load.files["reference/consents.csv"]
    assert counts == {"rows": 3, "loaded": 2, "rejected": 1}
    assert counts["loaded"] + counts["rejected"] == counts["rows"]
    frame = rejects_frame(load.rejects, datetime(2026, 1, 1, tzinfo=UTC))
    assert dict(frame.schema) == REJECTS_SCHEMA and frame.height == 1


def test_a_quoted_field_over_two_lines_keeps_the_next_rows_line_numbers(tmp_path):
    folder = tmp_path / "reference"
    write_csv(
        folder,
        "consents.csv",
        HEADER + f'{ANA},call,given,2026-01-01,"contrato\nassinado"\n'
        f"{BRUNO},call,given,2026-01-01,contrato\n",
    )
    load = load_consents(folder, PSEUDO, TZ)
    assert load.frame["line_number"].to_list() == [2, 4]


@pytest.mark.parametrize(
    ("text", "problem", "header"),
    [
        ("phone,channel,status\n", "line 1: missing column(s) recorded_at", ","),
        ("nome,email\n", "missing column(s) phone, channel, status, recorded_at", ","),
        ("numero;data\n", "missing column(s) channel, status;", ";"),  # aliases, semicolons
    ],
)
def test_a_file_without_the_required_header_stops_the_load(tmp_path, text, problem, header):
    write_csv(tmp_path / "reference", "consents.csv", text)
    with pytest.raises(ReferenceDataError) as error:
        load_consents(tmp_path / "reference", PSEUDO, TZ)
    assert str(error.value).startswith("reference/consents.csv: ")
    assert problem in str(error.value)
    expected = header.join(("phone", "channel", "status", "recorded_at"))
    assert f"expected a header like {expected}" in str(error.value)


def test_no_file_means_nothing_checked(tmp_path):
    load = load_consents(tmp_path / "reference", PSEUDO, TZ)
    assert not load.checked and load.frame.is_empty()
    write_csv(tmp_path / "reference", "consents.csv", HEADER)
    assert load_consents(tmp_path / "reference", PSEUDO, TZ).checked


# The state in force -------------------------------------------------------------------------


def test_the_latest_entry_at_or_before_the_instant_is_in_force():
    book = ledger(
        (ANA, "call", "given", utc(DAY, 9)),
        (ANA, "call", "withdrawn", utc(DAY, 12)),
        (ANA, "whatsapp", "refused", utc(DAY, 8)),
        (BRUNO, "call", "given", utc(DAY, 10)),
        (BRUNO, "call", "refused", utc(DAY, 10)),  # same instant: the restrictive one wins
    )
    events = pl.DataFrame(
        {
            "who": [token(ANA)] * 4 + [token(BRUNO), token(CAIO)],
            "at": [utc(DAY, 8), utc(DAY, 9), utc(DAY, 11), utc(DAY, 12), utc(DAY, 11), utc(DAY, 9)],
            "n": [0, 1, 2, 3, 4, 5],
        }
    )
    state = consent_state(events, book, "call", at="at", token="who").sort("n")
    assert state["consent_status"].to_list() == [
        None,  # before any call entry (the WhatsApp refusal is another channel)
        "given",  # at the very instant it was given
        "given",
        "withdrawn",
        "refused",
        None,  # nobody recorded
    ]
    assert state["consent_recorded_at"][2] == utc(DAY, 9)


# Calls -------------------------------------------------------------------------------------


def test_outbound_calls_without_a_valid_call_consent_are_flagged_with_the_reason():
    book = ledger(
        (ANA, "call", "given", utc(DAY, 8)),
        (BRUNO, "call", "given", utc(DAY, 8)),
        (BRUNO, "call", "withdrawn", utc(DAY, 12)),
        (CAIO, "call", "refused", utc(DAY, 8)),
    )
    rows = calls(
        call("L-0000000000000001", token(ANA), DAY, 10),  # given: fine
        call("L-0000000000000002", token(BRUNO), DAY, 11),  # given until noon: fine
        call("L-0000000000000003", token(BRUNO), DAY, 13, answered=False),  # withdrawn
        call("L-0000000000000004", token(CAIO), DAY, 10),  # refused
        call("L-0000000000000005", token(CAIO), DAY, 10, direction="inbound"),  # not checked
        call("L-0000000000000006", token("+5511912345678"), DAY, 10),  # nobody recorded
        call("L-0000000000000007", None, DAY, 10),  # no counterpart
        call("L-0000000000000008", token(ANA), date(2026, 10, 27), 7),  # before the consent
    )
    found = call_violations(rows, book)
    assert dict(found.schema) == VIOLATIONS_SCHEMA
    assert dict(zip(found["call_id"], found["reason"], strict=True)) == {
        "L-0000000000000003": "withdrawn",
        "L-0000000000000004": "refused",
        "L-0000000000000006": "no_record",
        "L-0000000000000008": "no_record",
    }
    assert set(found["channel"]) == set(found["consent_channel"]) == {"call"}
    withdrawn = found.filter(pl.col("call_id") == "L-0000000000000003").row(0, named=True)
    assert withdrawn["consent_recorded_at"] == utc(DAY, 12)
    assert withdrawn["first_at"] == withdrawn["last_at"] == utc(DAY, 13)
    assert found["violation_id"].str.contains(r"^V-[0-9a-f]{16}$").all()
    assert found["violation_id"].n_unique() == found.height


def test_answered_calls_with_someone_who_refused_recording_are_flagged():
    book = ledger(
        (ANA, "call", "given", utc(DAY, 8)),
        (ANA, "recording", "refused", utc(DAY, 8)),
        (BRUNO, "recording", "given", utc(DAY, 8)),
        (BRUNO, "recording", "withdrawn", utc(DAY, 12)),
    )
    rows = calls(
        call("L-0000000000000001", token(ANA), DAY, 10),  # contact ok, recording refused
        call("L-0000000000000002", token(ANA), DAY, 10, answered=False),  # nothing recorded
        call("L-0000000000000003", token(BRUNO), DAY, 13, direction="inbound"),  # withdrawn
        call("L-0000000000000004", token(BRUNO), DAY, 10, direction="inbound"),  # given then
        call("L-0000000000000005", token(CAIO), DAY, 10, direction="inbound"),  # no entry: PBX
    )
    found = call_violations(rows, book).filter(pl.col("consent_channel") == "recording")
    assert dict(zip(found["call_id"], found["reason"], strict=True)) == {
        "L-0000000000000001": "recording_refused",
        "L-0000000000000003": "recording_withdrawn",
    }


def test_no_consent_calls_feed_the_call_volume_count_once_per_call():
    book = ledger((ANA, "recording", "refused", utc(DAY, 8)))
    rows = calls(
        call("L-0000000000000001", token(ANA), DAY, 10),  # no call consent + recording refused
        call("L-0000000000000002", token(ANA), DAY, 11, direction="inbound", answered=False),
    )
    found = call_violations(rows, book)
    assert found.height == 2
    volume = call_volume_daily(rows.lazy(), no_consent=no_consent_calls(found.lazy()))
    assert volume["no_consent_calls"].to_list() == [1]
    assert volume["calls"].to_list() == [2]


# WhatsApp ----------------------------------------------------------------------------------


def test_messages_without_a_valid_whatsapp_consent_are_flagged_per_conversation_day():
    ana, bruno, caio, stranger = token(ANA), token(BRUNO), token(CAIO), "P-0000000000ff"
    colleague = "P-00000000c011"
    book = ledger(
        (ANA, "whatsapp", "given", utc(DAY, 8)),
        (BRUNO, "whatsapp", "given", utc(DAY, 8)),
        (BRUNO, "whatsapp", "withdrawn", utc(DAY, 12)),
        (CAIO, "call", "given", utc(DAY, 8)),  # a call consent does not cover WhatsApp
    )
    day2 = date(2026, 10, 29)
    rows = messages(
        message("M-0000000000000001", "C-00000000000000a1", ana, DAY, 10),
        message("M-0000000000000002", "C-00000000000000b1", bruno, DAY, 11),
        message("M-0000000000000003", "C-00000000000000b1", bruno, DAY, 13),
        message("M-0000000000000004", "C-00000000000000b1", bruno, DAY, 14, direction="outbound"),
        message("M-0000000000000005", "C-00000000000000b1", bruno, day2, 9),
        message("M-0000000000000006", "C-00000000000000c1", caio, DAY, 10),
        message("M-0000000000000007", "C-00000000000000d1", stranger, DAY, 10),
        message("M-0000000000000008", "C-00000000000000e1", colleague, DAY, 10),  # internal
        message("M-0000000000000009", "C-00000000000000f1", None, DAY, 10),  # group chat
        message("M-000000000000000a", "C-00000000000000c1", caio, DAY, 9, direction="system"),
    )
    found = message_violations(rows, book, known_tokens={caio}, employee_tokens={colleague})
    got = {
        (r["chat_id"], r["event_date"], r["reason"]): (r["messages"], r["first_at"], r["last_at"])
        for r in found.iter_rows(named=True)
    }
    assert got == {
        ("C-00000000000000b1", DAY, "withdrawn"): (2, utc(DAY, 13), utc(DAY, 14)),
        ("C-00000000000000b1", day2, "withdrawn"): (1, utc(day2, 9), utc(day2, 9)),
        ("C-00000000000000c1", DAY, "no_record"): (1, utc(DAY, 10), utc(DAY, 10)),
        ("C-00000000000000d1", DAY, "unidentified"): (1, utc(DAY, 10), utc(DAY, 10)),
    }
    assert set(found["channel"]) == {"whatsapp"} and found["call_id"].null_count() == found.height
    assert found["violation_id"].n_unique() == found.height


def test_nothing_to_check_gives_an_empty_frame_with_the_schema():
    empty_book = pl.DataFrame(schema=CONSENTS_SCHEMA)
    assert dict(call_violations(calls(), empty_book).schema) == VIOLATIONS_SCHEMA
    assert message_violations(messages(), empty_book).is_empty()
