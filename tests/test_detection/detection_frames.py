"""Small hand-made frames for the detection tests: silver messages, calls, a keyword scorer."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import polars as pl

from models.rules.scorer import RuleHit
from pipelines.conform.calls import SILVER_CALLS_SCHEMA
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA
from pipelines.detection.config import load_detection_config

CONFIG = load_detection_config()
T0 = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
EMPLOYEE, CLIENT = "P-0000000000e1", "P-0000000000c1"


def at(day: int, minutes: int = 0) -> datetime:
    """Day ``day`` (0 = 2026-10-05) at noon UTC plus ``minutes``."""
    return T0 + timedelta(days=day, minutes=minutes)


def message(
    n: int,
    when: datetime,
    sender: str = EMPLOYEE,
    text: str = "bom dia",
    *,
    chat: str = "C-00000000000000a1",
    kind: str = "message",
    deleted: bool = False,
    employee: str = EMPLOYEE,
    counterpart: str = CLIENT,
) -> dict:
    return {
        "message_id": f"M-{n:016x}",
        "bronze_record_id": f"R{n}",
        "chat_id": chat,
        "event_date": when.date(),
        "sent_at": when,
        "utc_offset_minutes": -180,
        "kind": kind,
        "direction": "outbound" if sender == employee else "inbound",
        "sender_token": sender,
        "sender_role": "employee" if sender == employee else "client",
        "employee_token": employee,
        "counterpart_token": counterpart,
        "team": "Trabalhista",
        "text_redacted": "" if deleted else text,
        "media_kind": None,
        "attachment_redacted": None,
        "is_deleted": deleted,
        "is_edited": False,
        "date_order_ambiguous": False,
    }


def messages(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SILVER_MESSAGES_SCHEMA)


def call(n: int, when: datetime, *, answered: bool = True, employee=EMPLOYEE, counterpart=CLIENT):
    return {
        "call_id": f"L-{n:016x}",
        "bronze_record_id": f"K{n}",
        "source_call_id": f"{n}",
        "event_date": when.date(),
        "started_at": when,
        "answered_at": when if answered else None,
        "ended_at": when + timedelta(minutes=3),
        "utc_offset_minutes": -180,
        "direction": "outbound",
        "employee_token": employee,
        "team": "Trabalhista",
        "counterpart_token": counterpart,
        "counterpart_country": "BR",
        "disposition": "ANSWERED" if answered else "NO ANSWER",
        "answered": answered,
        "duration_s": 180,
        "billsec_s": 170 if answered else 0,
    }


def calls(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SILVER_CALLS_SCHEMA)


class KeywordScorer:
    """A stand-in for RuleScorer: each keyword is a rule (id, category, severity, weight) and
    every whole-word occurrence is a hit with its real offsets."""

    RULES = {
        "propina": ("bribery.t.propina", "bribery", "high", 1.0),
        "agrado": ("bribery.t.agrado", "bribery", "medium", 0.6),
        "cafezinho": ("bribery.t.cafezinho", "bribery", "low", 0.3),
        "telegram": ("off_channel.t.app", "off_channel", "medium", 0.6),
        "apaga": ("off_channel.t.apagar", "off_channel", "medium", 0.6),
        "burra": ("harassment.t.insulto", "harassment", "medium", 0.6),
    }

    def hits_many(self, texts) -> list[list[RuleHit]]:
        out = []
        for text in texts:
            hits = []
            for word, (rule, category, severity, weight) in self.RULES.items():
                for m in re.finditer(rf"\b{word}\b", text.lower()):
                    hits.append(RuleHit(rule, category, severity, weight, m.start(), m.end()))
            out.append(sorted(hits, key=lambda h: (h.start, h.end, h.rule_id)))
        return out


def day(n: int) -> date:
    return at(n).date()
