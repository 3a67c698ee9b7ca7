"""gold.conversation_scores: per conversation, day and category, the flags weighed by the reply.

For each flagged message (a row of gold.message_category_scores) the next messages of the
conversation are read (``context.window_messages`` within ``context.window_minutes``); the first
reply from another person holding an acceptance or refusal cue adjusts that message's score
(see :mod:`pipelines.detection.cues`). The day's score combines the adjusted message scores
(1 - prod(1 - s)); ``base_score`` is the same without context, ``context_adjustment`` the
difference, ``reason`` says it in words: every conversation score explains itself.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import polars as pl

from pipelines.detection.config import DetectionConfig
from pipelines.detection.cues import CueMatcher, CueVerdict, adjust

CONVERSATION_SCORES_SCHEMA = {
    "chat_id": pl.Utf8,
    "event_date": pl.Date,
    "category": pl.Utf8,
    "team": pl.Utf8,
    "employee_token": pl.Utf8,
    "counterpart_token": pl.Utf8,
    "score": pl.Float64,
    "base_score": pl.Float64,
    "context_adjustment": pl.Float64,
    "max_score": pl.Float64,
    "severity": pl.Utf8,
    "flagged_messages": pl.Int64,
    "message_ids": pl.List(pl.Utf8),
    "rule_ids": pl.List(pl.Utf8),
    "context": pl.Utf8,
    "context_cues": pl.List(pl.Utf8),
    "reply_message_ids": pl.List(pl.Utf8),
    "first_seen": pl.Datetime("us", "UTC"),
    "last_seen": pl.Datetime("us", "UTC"),
    "top_message_id": pl.Utf8,
    "snippet": pl.Utf8,
    "reason": pl.Utf8,
}
MESSAGE_COLUMNS = ("message_id", "chat_id", "sent_at", "kind", "sender_token", "is_deleted")
SNIPPET_CHARS = 60


def snippet(text: str | None, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """The redacted text around [start, end), cut at spaces, with … where it was cut."""
    text = text or ""
    left = 0 if start <= width else text.rfind(" ", 0, start - width) + 1
    right = text.find(" ", min(len(text), end + width))
    right = len(text) if right < 0 else right
    # never cut a placeholder such as "[PESSOA P-3f9a1c2b]" in two
    opening = text.rfind("[", 0, left)
    if opening >= 0 and text.rfind("]", opening, left) < 0:
        left = opening
    closing = text.find("]", right)
    if closing >= 0 and text.find("[", right, closing) < 0 and "[" in text[:right]:
        right = closing + 1
    return ("…" if left > 0 else "") + text[left:right].strip() + ("…" if right < len(text) else "")


def combined(scores: list[float]) -> float:
    remaining = 1.0
    for value in scores:
        remaining *= 1.0 - value
    return min(1.0, max(0.0, 1.0 - remaining))


class ReplyContext:
    """The replies after each message of some conversations, in conversation order."""

    def __init__(self, messages: pl.DataFrame, config: DetectionConfig):
        self.config = config.context
        self.matcher = CueMatcher(self.config.acceptance, self.config.refusal)
        ordered = messages.sort("chat_id", "sent_at", "message_id")
        self.rows = ordered.select(*MESSAGE_COLUMNS, "text_redacted").rows()
        self.position = {row[0]: i for i, row in enumerate(self.rows)}

    def reply(self, message_id: str) -> tuple[str, CueVerdict] | None:
        """(reply message id, verdict) of the first cue-bearing reply by someone else."""
        at = self.position.get(message_id)
        if at is None:
            return None
        _, chat, sent, _, sender, _ = self.rows[at][:6]
        until = sent + timedelta(minutes=self.config.window_minutes)
        for row in self.rows[at + 1 : at + 1 + self.config.window_messages]:
            reply_id, reply_chat, reply_sent, kind, reply_sender, deleted, text = row
            if reply_chat != chat or reply_sent > until:
                break
            if kind != "message" or deleted or reply_sender is None or reply_sender == sender:
                continue
            verdict = self.matcher.verdict(text or "")
            if verdict is not None:
                return reply_id, verdict
        return None


def score_conversations(
    categories: pl.DataFrame, messages: pl.DataFrame, config: DetectionConfig
) -> pl.DataFrame:
    """gold.message_category_scores rows + the conversations' silver messages (the flagged
    days and the day after, for late replies) -> gold.conversation_scores rows."""
    if categories.is_empty():
        return pl.DataFrame(schema=CONVERSATION_SCORES_SCHEMA)
    context = ReplyContext(messages, config)
    texts = dict(messages.select("message_id", "text_redacted").iter_rows())
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for flag in categories.sort("sent_at", "message_id").iter_rows(named=True):
        applies = flag["category"] in config.context.categories
        found = context.reply(flag["message_id"]) if applies else None
        verdict = found[1] if found else None
        flag["adjusted"] = adjust(flag["score"], verdict)
        flag["verdict"] = verdict
        flag["reply_id"] = found[0] if found else None
        flag["context_used"] = applies
        groups[(flag["chat_id"], flag["event_date"], flag["category"])].append(flag)
    rows = [_conversation_row(key, flags, texts, config) for key, flags in groups.items()]
    return pl.DataFrame(rows, schema=CONVERSATION_SCORES_SCHEMA, orient="row").sort(
        "event_date", "chat_id", "category"
    )


def _conversation_row(key: tuple, flags: list[dict], texts: dict, config: DetectionConfig):
    chat_id, event_date, category = key
    base = combined([f["score"] for f in flags])
    final = combined([f["adjusted"] for f in flags])
    top = max(flags, key=lambda f: f["adjusted"])  # earliest among equals (flags are in order)
    verdicts = [f["verdict"] for f in flags if f["verdict"] is not None]
    kinds = {v.kind for v in verdicts}
    if not flags[0]["context_used"]:
        context = "not_applicable"
    elif not verdicts:
        context = "none"
    elif kinds == {"acceptance"}:
        context = "accepted"
    elif kinds == {"refusal"}:
        context = "refused"
    else:
        context = "mixed"
    cues = sorted({cue for v in verdicts for cue in v.cues})
    rule_ids = sorted({r for f in flags for r in f["rule_ids"]})
    first = top["span_starts"][0] if top["span_starts"] else 0
    last = top["span_ends"][0] if top["span_ends"] else 0

    def pick(column: str):
        return next((f[column] for f in flags if f[column] is not None), None)

    return (
        chat_id,
        event_date,
        category,
        pick("team"),
        pick("employee_token"),
        pick("counterpart_token"),
        final,
        base,
        final - base,
        top["adjusted"],
        config.severity(category, final) or "none",
        len(flags),
        [f["message_id"] for f in flags],
        rule_ids,
        context,
        cues,
        [f["reply_id"] for f in flags if f["reply_id"] is not None],
        flags[0]["sent_at"],
        flags[-1]["sent_at"],
        top["message_id"],
        snippet(texts.get(top["message_id"]), first, last),
        _reason(category, event_date, flags, rule_ids, base, final, context, cues, config),
    )


def _reason(category, day, flags, rule_ids, base, final, context, cues, config) -> str:
    n = len(flags)
    text = (
        f"{category} on {day}: {n} flagged message{'s' if n > 1 else ''} "
        f"(rules {', '.join(rule_ids)}; rule score {base:.2f})"
    )
    shown = ", ".join(f'"{c}"' for c in cues)
    window = f"{config.context.window_messages} messages / {config.context.window_minutes} min"
    change = f"{final - base:+.2f} -> {final:.2f}"
    if context == "not_applicable":
        return f"{text}; the reply does not change a {category} score."
    if context == "none":
        return f"{text}; no reply with an acceptance or refusal cue within {window}."
    if context == "accepted":
        return f"{text}; the other party accepted ({shown}): {change}."
    if context == "refused":
        return f"{text}; the other party refused ({shown}): {change}."
    return f"{text}; the replies were mixed ({shown}): {change}."
