"""Signals from how much a conversation is used: a drop after an off-channel flag, a silence."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import polars as pl

from pipelines.detection.config import Silence, VolumeDrop
from pipelines.detection.signals.rows import chat_parties, signal_row


def daily_counts(messages: pl.DataFrame) -> dict[str, dict[date, int]]:
    """chat_id -> event_date -> messages that day."""
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    per_day = messages.group_by("chat_id", "event_date").len()
    for chat, day, n in per_day.iter_rows():
        counts[chat][day] = n
    return counts


def _window(days: dict[date, int], start: date, n: int) -> int:
    return sum(days.get(start + timedelta(days=i), 0) for i in range(n))


def volume_drop(
    messages: pl.DataFrame, flags: pl.DataFrame, p: VolumeDrop, first: date, last: date
) -> list[dict]:
    """After an off_channel flag on day D, compare [D+1, D+K] with [D-K, D-1] (K = window_days);
    a drop of at least ``min_drop`` is a signal dated D+K (when the after-window is complete)."""
    if flags.is_empty() or messages.is_empty():
        return []
    counts = daily_counts(messages)
    parties = chat_parties(messages)
    k = p.window_days
    by_day = (
        flags.group_by("chat_id", "event_date")
        .agg(
            pl.col("message_id").sort_by("sent_at"),
            pl.col("sent_at").min().alias("first"),
            pl.col("sent_at").max().alias("last"),
        )
        .sort("chat_id", "event_date")
    )
    rows = []
    for chat, flagged_on, message_ids, first_seen, last_seen in by_day.iter_rows():
        day = flagged_on + timedelta(days=k)
        if not first <= day <= last:
            continue
        days = counts.get(chat, {})
        before = _window(days, flagged_on - timedelta(days=k), k)
        after = _window(days, flagged_on + timedelta(days=1), k)
        if before < p.min_before_messages:
            continue
        drop = 1.0 - after / before
        if drop < p.min_drop:
            continue
        team, employee, counterpart = parties.get(chat, (None, None, None))
        rows.append(
            signal_row(
                "volume_drop",
                day,
                score=p.weight * drop,
                chat_id=chat,
                team=team,
                employee_token=employee,
                counterpart_token=counterpart,
                baseline=before / k,
                observed=after / k,
                message_ids=list(message_ids),
                first_seen=first_seen,
                last_seen=last_seen,
                reason=(
                    f"messages in this conversation fell from {before / k:.1f}/day in the {k} "
                    f"days before an off_channel flag on {flagged_on} to {after / k:.1f}/day in "
                    f"the {k} days after ({-drop:.0%})"
                ),
            )
        )
    return rows


def silence(messages: pl.DataFrame, p: Silence, first: date, last: date) -> list[dict]:
    """A conversation active on ``min_active_days`` of the ``history_days`` up to its last
    message, then silent for ``min_silent_days``: a signal dated the day the silence reaches
    that length (once per silence)."""
    if messages.is_empty():
        return []
    counts = daily_counts(messages)
    parties = chat_parties(messages)
    last_message = (
        messages.sort("sent_at", "message_id")
        .group_by("chat_id", "event_date")
        .agg(pl.col("message_id").last(), pl.col("sent_at").last())
    )
    last_of = {(c, d): (m, s) for c, d, m, s in last_message.iter_rows()}
    rows = []
    for chat, days in sorted(counts.items()):
        for active in sorted(days):
            day = active + timedelta(days=p.min_silent_days)
            if not first <= day <= last:
                continue
            if any(active + timedelta(days=i) in days for i in range(1, p.min_silent_days + 1)):
                continue
            start = active - timedelta(days=p.history_days - 1)
            n_active = sum(1 for i in range(p.history_days) if start + timedelta(days=i) in days)
            if n_active < p.min_active_days:
                continue
            team, employee, counterpart = parties.get(chat, (None, None, None))
            message_id, sent_at = last_of[(chat, active)]
            rows.append(
                signal_row(
                    "silence",
                    day,
                    score=p.weight * n_active / p.history_days,
                    chat_id=chat,
                    team=team,
                    employee_token=employee,
                    counterpart_token=counterpart,
                    baseline=float(n_active),
                    observed=float(p.min_silent_days),
                    message_ids=[message_id],
                    first_seen=sent_at,
                    last_seen=sent_at,
                    reason=(
                        f"a conversation active on {n_active} of the {p.history_days} days up "
                        f"to {active} has had no message for {p.min_silent_days} days"
                    ),
                )
            )
    return rows
