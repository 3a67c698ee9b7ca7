"""The gold.signals row: schema, stable id and a builder shared by the signal kinds."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import polars as pl

SIGNALS_SCHEMA = {
    "signal_id": pl.Utf8,
    "event_date": pl.Date,
    "signal_type": pl.Utf8,
    "chat_id": pl.Utf8,
    "team": pl.Utf8,
    "employee_token": pl.Utf8,
    "counterpart_token": pl.Utf8,
    "sender_token": pl.Utf8,
    "score": pl.Float64,
    "baseline": pl.Float64,
    "observed": pl.Float64,
    "message_ids": pl.List(pl.Utf8),
    "call_ids": pl.List(pl.Utf8),
    "first_seen": pl.Datetime("us", "UTC"),
    "last_seen": pl.Datetime("us", "UTC"),
    "reason": pl.Utf8,
}


def signal_id(signal_type: str, day: date, *parts: str | None) -> str:
    """Stable id: the same signal on the same day and subject always has the same id."""
    key = "\x1f".join([signal_type, day.isoformat(), *(p or "" for p in parts)])
    return "S-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def signal_row(
    signal_type: str,
    day: date,
    *,
    score: float,
    reason: str,
    chat_id: str | None = None,
    team: str | None = None,
    employee_token: str | None = None,
    counterpart_token: str | None = None,
    sender_token: str | None = None,
    baseline: float | None = None,
    observed: float | None = None,
    message_ids: list[str] | None = None,
    call_ids: list[str] | None = None,
    first_seen: datetime | None = None,
    last_seen: datetime | None = None,
) -> dict:
    return {
        "signal_id": signal_id(
            signal_type, day, chat_id, employee_token, counterpart_token, sender_token
        ),
        "event_date": day,
        "signal_type": signal_type,
        "chat_id": chat_id,
        "team": team,
        "employee_token": employee_token,
        "counterpart_token": counterpart_token,
        "sender_token": sender_token,
        "score": min(1.0, max(0.0, score)),
        "baseline": baseline,
        "observed": observed,
        "message_ids": message_ids or [],
        "call_ids": call_ids or [],
        "first_seen": first_seen,
        "last_seen": last_seen,
        "reason": reason,
    }


def chat_parties(messages: pl.DataFrame) -> dict[str, tuple[str | None, str | None, str | None]]:
    """chat_id -> (team, employee_token, counterpart_token), first non-null of each."""
    parties = messages.group_by("chat_id").agg(
        pl.col("team").drop_nulls().first(),
        pl.col("employee_token").drop_nulls().first(),
        pl.col("counterpart_token").drop_nulls().first(),
    )
    return {chat: (team, emp, cp) for chat, team, emp, cp in parties.iter_rows()}
