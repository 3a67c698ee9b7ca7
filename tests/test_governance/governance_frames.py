"""Small silver-shaped frames for the consent and do-not-call tests (not a test module)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from pipelines.conform.calls import SILVER_CALLS_SCHEMA
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA
from pipelines.privacy.pseudonyms import Pseudonymizer

KEY = bytes.fromhex("6b" * 32)
PSEUDO = Pseudonymizer(KEY)
AGENT = "P-00000000a9e1"
COLLEAGUE = "P-00000000c011"
BRT = timedelta(hours=-3)


def token(phone: str) -> str:
    found = PSEUDO.token_for_phone(phone)
    assert found is not None, phone
    return found


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    """A São Paulo wall-clock time as a UTC instant."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - BRT


def call(
    call_id: str,
    counterpart: str | None,
    day: date,
    hour: int,
    *,
    direction: str = "outbound",
    answered: bool = True,
    record: str | None = None,
) -> dict:
    start = utc(day, hour)
    return {
        "call_id": call_id,
        "bronze_record_id": record or f"{int(call_id[2:], 16):016x}-1",
        "source_call_id": call_id,
        "event_date": day,
        "started_at": start,
        "answered_at": start + timedelta(seconds=5) if answered else None,
        "ended_at": start + timedelta(minutes=3),
        "utc_offset_minutes": -180,
        "direction": direction,
        "employee_token": AGENT,
        "team": "Trabalhista",
        "counterpart_token": counterpart,
        "counterpart_country": "BR",
        "disposition": "ANSWERED" if answered else "NO ANSWER",
        "answered": answered,
        "duration_s": 180,
        "billsec_s": 175 if answered else 0,
    }


def calls(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SILVER_CALLS_SCHEMA)


def message(
    message_id: str, chat_id: str, counterpart: str | None, day: date, hour: int, **extra
) -> dict:
    return {
        "message_id": message_id,
        "bronze_record_id": f"{int(message_id[2:], 16):016x}-1",
        "chat_id": chat_id,
        "event_date": day,
        "sent_at": utc(day, hour),
        "utc_offset_minutes": -180,
        "kind": "message",
        "direction": "inbound",
        "sender_token": counterpart,
        "sender_role": "client",
        "employee_token": AGENT,
        "counterpart_token": counterpart,
        "team": "Trabalhista",
        "text_redacted": "ok",
        "media_kind": None,
        "attachment_redacted": None,
        "is_deleted": False,
        "is_edited": False,
        "date_order_ambiguous": False,
        **extra,
    }


def messages(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SILVER_MESSAGES_SCHEMA)


def write_csv(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
