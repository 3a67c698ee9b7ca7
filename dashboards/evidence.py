"""The redacted thread behind an alert, or between two parties, from silver.messages rows.

Pure polars: :mod:`dashboards.records` reads the rows (already narrowed to the chat, the dates
and the viewer's teams) and calls these.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

THREAD_COLUMNS = [
    "sent_at", "flagged", "direction", "sender_token", "kind", "text_redacted", "media_kind",
    "attachment_redacted", "is_deleted", "is_edited", "message_id", "chat_id",
]
ATTACHMENT_COLUMNS = [
    "sent_at", "direction", "sender_token", "media_kind", "attachment_redacted", "message_id",
]
CONTEXT_MESSAGES = 10


def _ordered(messages: pl.DataFrame, flagged: Iterable[str]) -> pl.DataFrame:
    ids = list(flagged)
    out = messages.sort("sent_at", "message_id").with_columns(
        pl.col("message_id").is_in(ids).alias("flagged")
    )
    for name in THREAD_COLUMNS:
        if name not in out.columns:
            out = out.with_columns(pl.lit(None, pl.Utf8).alias(name))
    return out


def around(
    messages: pl.DataFrame, message_ids: Iterable[str], context: int = CONTEXT_MESSAGES
) -> pl.DataFrame:
    """From ``context`` messages before the first of ``message_ids`` to ``context`` after the
    last, in time order, with a ``flagged`` column; empty if none of the ids is there."""
    ordered = _ordered(messages, message_ids).with_row_index("position")
    hits = ordered.filter(pl.col("flagged"))["position"]
    if hits.is_empty():
        return ordered.head(0).select(THREAD_COLUMNS)
    low, high = max(int(hits.min()) - context, 0), int(hits.max()) + context
    return ordered.filter(pl.col("position").is_between(low, high)).select(THREAD_COLUMNS)


def between(
    messages: pl.DataFrame, employee: str, counterpart: str, flagged: Iterable[str] = ()
) -> pl.DataFrame:
    """Every message between an employee and a counterpart (any chat), in time order."""
    pair = messages.filter(
        (pl.col("employee_token") == employee) & (pl.col("counterpart_token") == counterpart)
    )
    return _ordered(pair, flagged).select(THREAD_COLUMNS)


def attachments(thread: pl.DataFrame) -> pl.DataFrame:
    """The media and documents sent or received in the thread (names redacted in silver)."""
    has_media = pl.col("media_kind").is_not_null() | pl.col("attachment_redacted").is_not_null()
    return thread.filter(has_media).select(ATTACHMENT_COLUMNS)
