"""Signal: calls between an employee and a counterpart with nothing written around them."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import date, timedelta

import polars as pl

from pipelines.detection.config import CallsWithoutMessages
from pipelines.detection.signals.rows import signal_row


def calls_without_messages(
    messages: pl.DataFrame, calls: pl.DataFrame, p: CallsWithoutMessages, first: date, last: date
) -> list[dict]:
    """Answered calls of a pair with no message between the two within ``window_hours`` before
    or after the call; with ``require_chat``, only pairs that wrote to each other in the
    ``lookback_days`` before the call. One signal per pair and day with ``min_calls`` such calls."""
    pair = ("employee_token", "counterpart_token")
    answered = calls.filter(
        pl.col("answered")
        & pl.col("employee_token").is_not_null()
        & pl.col("counterpart_token").is_not_null()
        & pl.col("event_date").is_between(first, last)
    )
    if answered.is_empty():
        return []
    sent: dict[tuple, list] = defaultdict(list)
    chats: dict[tuple, list] = defaultdict(list)
    for employee, counterpart, sent_at, chat in (
        messages.filter(pl.col("employee_token").is_not_null())
        .sort("sent_at", "message_id")
        .select(*pair, "sent_at", "chat_id")
        .iter_rows()
    ):
        sent[(employee, counterpart)].append(sent_at)
        chats[(employee, counterpart)].append(chat)
    window, lookback = timedelta(hours=p.window_hours), timedelta(days=p.lookback_days)
    quiet: dict[tuple, list] = defaultdict(list)
    for call_id, day, started, employee, counterpart, team in (
        answered.sort("started_at", "call_id")
        .select("call_id", "event_date", "started_at", *pair, "team")
        .iter_rows()
    ):
        times = sent.get((employee, counterpart), [])
        near = bisect_left(times, started - window)
        if near < len(times) and times[near] <= started + window:
            continue  # something was written around the call
        earlier = bisect_left(times, started - lookback)
        wrote_before = earlier < near
        if p.require_chat and not wrote_before:
            continue
        chat = chats[(employee, counterpart)][near - 1] if wrote_before else None
        quiet[(employee, counterpart, day)].append((call_id, started, team, chat))
    rows = []
    for (employee, counterpart, day), found in sorted(quiet.items()):
        if len(found) < p.min_calls:
            continue
        chat = next((c for *_, c in reversed(found) if c), None)
        rows.append(
            signal_row(
                "calls_without_messages",
                day,
                score=p.weight * min(1.0, len(found) / p.saturation),
                chat_id=chat,
                team=found[-1][2],
                employee_token=employee,
                counterpart_token=counterpart,
                baseline=float(p.min_calls),
                observed=float(len(found)),
                call_ids=[c[0] for c in found],
                first_seen=found[0][1],
                last_seen=found[-1][1],
                reason=(
                    f"{len(found)} answered call{'s' if len(found) > 1 else ''} with no message "
                    f"between the two within {p.window_hours} h"
                    + (", in a pair that otherwise writes" if chat else "")
                ),
            )
        )
    return rows
