"""gold.consent_violations: calls and monitored conversations without a valid consent or notice.

The state of a person's consent on a channel at an instant is the latest silver.consents entry
for that person and channel at or before it (at the same instant, the most restrictive wins:
withdrawn, then refused, then given). It is valid only when that entry is ``given``.

- **Calls** (``consent_channel`` = call): every outbound call (``CALL_DIRECTIONS``) to someone
  whose call consent is not valid at the call's start: ``no_record``, ``refused`` or
  ``withdrawn``. Unanswered attempts count: the contact itself needs the consent.
- **Recording** (``consent_channel`` = recording): an answered call with someone who refused or
  withdrew recording (``recording_refused`` / ``recording_withdrawn``). Without any recording
  entry the PBX announcement is taken as the notice: not a violation.
- **WhatsApp** (``consent_channel`` = whatsapp): per conversation and day, the messages exchanged
  while the counterpart's WhatsApp consent was not valid, by reason. A counterpart who is not in
  the directory and not in the ledger (a contact saved under a nickname) is ``unidentified``:
  no consent can be shown for it either. Group chats without a counterpart are not checked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

import polars as pl

CALL_DIRECTIONS = ("outbound",)
REASONS = (
    "no_record",
    "refused",
    "withdrawn",
    "unidentified",
    "recording_refused",
    "recording_withdrawn",
)
VIOLATIONS_SCHEMA = {
    "violation_id": pl.Utf8,
    "event_date": pl.Date,
    "channel": pl.Utf8,  # call | whatsapp
    "consent_channel": pl.Utf8,  # call | recording | whatsapp
    "call_id": pl.Utf8,
    "chat_id": pl.Utf8,
    "direction": pl.Utf8,
    "employee_token": pl.Utf8,
    "team": pl.Utf8,
    "counterpart_token": pl.Utf8,
    "first_at": pl.Datetime("us", "UTC"),
    "last_at": pl.Datetime("us", "UTC"),
    "messages": pl.Int64,
    "reason": pl.Utf8,
    "consent_recorded_at": pl.Datetime("us", "UTC"),
}
_RESTRICTIVENESS = {"given": 0, "refused": 1, "withdrawn": 2}


def consent_state(
    events: pl.DataFrame, ledger: pl.DataFrame, channel: str, *, at: str, token: str
) -> pl.DataFrame:
    """``events`` with ``consent_status`` and ``consent_recorded_at``: the ledger entry in force
    for (``token``, ``channel``) at ``at`` (both null when there is none)."""
    entries = (
        ledger.filter(pl.col("channel") == channel)
        .select(
            pl.col("person_token").alias("_token"),
            pl.col("recorded_at").alias("consent_recorded_at"),
            pl.col("status").alias("consent_status"),
        )
        .sort(
            "_token",
            "consent_recorded_at",
            pl.col("consent_status").replace_strict(_RESTRICTIVENESS, default=3),
        )
        .unique(["_token", "consent_recorded_at"], keep="last", maintain_order=True)
        .sort("consent_recorded_at")
    )
    return events.sort(at).join_asof(
        entries,
        left_on=at,
        right_on="consent_recorded_at",
        by_left=token,
        by_right="_token",
        strategy="backward",
        check_sortedness=False,
    )


def _ids(frame: pl.DataFrame) -> pl.Series:
    keys = frame.select(
        pl.concat_str(
            [
                pl.col("consent_channel"),
                pl.coalesce("call_id", "chat_id"),
                pl.col("event_date").cast(pl.Utf8),
                pl.col("reason"),
            ],
            separator="\x1f",
        )
    ).to_series()
    return pl.Series(
        "violation_id",
        ["V-" + hashlib.sha256(k.encode("utf-8")).hexdigest()[:16] for k in keys],
        dtype=pl.Utf8,
    )


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    for name, dtype in VIOLATIONS_SCHEMA.items():
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype).alias(name))
    if frame.is_empty():
        return pl.DataFrame(schema=VIOLATIONS_SCHEMA)
    frame = frame.with_columns(_ids(frame))
    return frame.select(list(VIOLATIONS_SCHEMA)).cast(VIOLATIONS_SCHEMA)


def call_violations(
    calls: pl.DataFrame, ledger: pl.DataFrame, directions: Collection[str] = CALL_DIRECTIONS
) -> pl.DataFrame:
    """Rows of silver.calls (any date range) that broke the call or recording consent."""
    calls = calls.filter(pl.col("counterpart_token").is_not_null())
    common = [
        pl.col("event_date"),
        pl.lit("call").alias("channel"),
        pl.col("call_id"),
        pl.col("direction"),
        pl.col("employee_token"),
        pl.col("team"),
        pl.col("counterpart_token"),
        pl.col("started_at").alias("first_at"),
        pl.col("started_at").alias("last_at"),
        pl.col("consent_recorded_at"),
    ]
    contact = consent_state(
        calls.filter(pl.col("direction").is_in(list(directions))),
        ledger,
        "call",
        at="started_at",
        token="counterpart_token",
    ).filter(pl.col("consent_status").fill_null("") != "given")
    recording = consent_state(
        calls.filter(pl.col("answered") & (pl.col("direction") != "internal")),
        ledger,
        "recording",
        at="started_at",
        token="counterpart_token",
    ).filter(pl.col("consent_status").is_in(["refused", "withdrawn"]))
    found = pl.concat(
        [
            contact.select(
                *common,
                pl.lit("call").alias("consent_channel"),
                pl.col("consent_status").fill_null("no_record").alias("reason"),
            ),
            recording.select(
                *common,
                pl.lit("recording").alias("consent_channel"),
                (pl.lit("recording_") + pl.col("consent_status")).alias("reason"),
            ),
        ]
    )
    return _finish(found).sort("event_date", "first_at", "violation_id")


def message_violations(
    messages: pl.DataFrame,
    ledger: pl.DataFrame,
    known_tokens: Collection[str] = (),
    employee_tokens: Collection[str] = (),
) -> pl.DataFrame:
    """One row per conversation, day and reason of silver.messages exchanged without a valid
    WhatsApp consent. ``known_tokens``: the directory's people (a counterpart neither there nor
    in the ledger is ``unidentified``); ``employee_tokens``: counterparts not checked (internal
    chats)."""
    messages = messages.filter(
        pl.col("counterpart_token").is_not_null()
        & (pl.col("direction") != "system")
        & ~pl.col("counterpart_token").is_in(list(employee_tokens))
    )
    identified = set(known_tokens) | set(ledger.get_column("person_token").to_list())
    state = consent_state(
        messages, ledger, "whatsapp", at="sent_at", token="counterpart_token"
    ).filter(pl.col("consent_status").fill_null("") != "given")
    reason = (
        pl.when(pl.col("consent_status").is_not_null())
        .then(pl.col("consent_status"))
        .when(pl.col("counterpart_token").is_in(list(identified)))
        .then(pl.lit("no_record"))
        .otherwise(pl.lit("unidentified"))
    )
    found = (
        state.with_columns(reason.alias("reason"))
        .group_by("chat_id", "event_date", "reason")
        .agg(
            pl.col("employee_token").drop_nulls().first(),
            pl.col("team").drop_nulls().first(),
            pl.col("counterpart_token").first(),
            pl.col("sent_at").min().alias("first_at"),
            pl.col("sent_at").max().alias("last_at"),
            pl.len().cast(pl.Int64).alias("messages"),
            pl.col("consent_recorded_at").max(),
        )
        .with_columns(
            pl.lit("whatsapp").alias("channel"), pl.lit("whatsapp").alias("consent_channel")
        )
    )
    return _finish(found).sort("event_date", "first_at", "violation_id")


def no_consent_calls(violations: pl.LazyFrame) -> pl.LazyFrame:
    """``call_id`` of every call with a consent violation, once each: what
    ``pipelines.analytics.call_volume.call_volume_daily(no_consent=...)`` counts per agent."""
    return violations.filter(pl.col("channel") == "call").select("call_id").unique()
