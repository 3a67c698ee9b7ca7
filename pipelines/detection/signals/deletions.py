"""Signal: a burst of deleted messages by one sender in one conversation."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from pipelines.detection.config import DeletedBurst
from pipelines.detection.signals.rows import signal_row


def deleted_bursts(messages: pl.DataFrame, p: DeletedBurst, first: date, last: date) -> list[dict]:
    """At least ``min_deleted`` deleted messages of one sender within ``window_minutes``: one
    signal per conversation, sender and day (the day's largest burst), dated the day of the
    burst's last deletion."""
    deleted = messages.filter(pl.col("is_deleted") & pl.col("sender_token").is_not_null())
    if deleted.is_empty():
        return []
    window = timedelta(minutes=p.window_minutes)
    best: dict[tuple, tuple] = {}
    for (chat, sender), group in deleted.sort("sent_at", "message_id").group_by(
        "chat_id", "sender_token", maintain_order=True
    ):
        rows = group.select(
            "message_id", "sent_at", "event_date", "team", "employee_token", "counterpart_token"
        ).rows()
        start = 0
        for end, row in enumerate(rows):
            while row[1] - rows[start][1] > window:
                start += 1
            count, day = end - start + 1, row[2]
            key = (chat, sender, day)
            if count >= p.min_deleted and count > best.get(key, (0,))[0]:
                best[key] = (count, rows[start : end + 1])
    signals = []
    for (chat, sender, day), (count, burst) in sorted(best.items()):
        if not first <= day <= last:
            continue
        minutes = (burst[-1][1] - burst[0][1]).total_seconds() / 60
        signals.append(
            signal_row(
                "deleted_burst",
                day,
                score=p.weight * min(1.0, count / p.saturation),
                chat_id=chat,
                team=burst[-1][3],
                employee_token=burst[-1][4],
                counterpart_token=burst[-1][5],
                sender_token=sender,
                baseline=float(p.min_deleted),
                observed=float(count),
                message_ids=[r[0] for r in burst],
                first_seen=burst[0][1],
                last_seen=burst[-1][1],
                reason=(
                    f"{count} messages deleted by one sender within {minutes:.0f} minutes "
                    f"(threshold {p.min_deleted} in {p.window_minutes} min)"
                ),
            )
        )
    return signals
