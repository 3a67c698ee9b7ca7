"""Bronze WhatsApp records -> silver messages: typed, UTC, pseudonymized, redacted, de-duplicated.

Who is who: the exporting employee is the folder the export sits in
(``whatsapp/<employee_id>/…``) or, failing that, a sender found in the directory; the other
party is the chat's title. Every person becomes a keyed pseudonym; the text and attachment
names are redacted. The same message seen in two exports of one chat gets one ``message_id``.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.conform.chat_titles import chat_title
from pipelines.conform.directory import Directory
from pipelines.conform.keyed_ids import keyed_id
from pipelines.conform.local_time import local_to_utc, utc_offset_minutes
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.privacy.redaction import redact_many, redact_optional

SILVER_MESSAGES_SCHEMA = {
    "message_id": pl.Utf8,
    "bronze_record_id": pl.Utf8,
    "chat_id": pl.Utf8,
    "event_date": pl.Date,
    "sent_at": pl.Datetime("us", "UTC"),
    "utc_offset_minutes": pl.Int32,
    "kind": pl.Utf8,
    "direction": pl.Utf8,
    "sender_token": pl.Utf8,
    "sender_role": pl.Utf8,
    "employee_token": pl.Utf8,
    "counterpart_token": pl.Utf8,
    "team": pl.Utf8,
    "text_redacted": pl.Utf8,
    "media_kind": pl.Utf8,
    "attachment_redacted": pl.Utf8,
    "is_deleted": pl.Boolean,
    "is_edited": pl.Boolean,
    "date_order_ambiguous": pl.Boolean,
}


@dataclass(frozen=True)
class PrivacyContext:
    key: bytes
    pseudonymizer: Pseudonymizer
    analyzer: object
    default_region: str = "BR"


@dataclass(frozen=True)
class ChatParties:
    chat_id: str
    employee_canonical: str | None
    employee_id: str | None
    team: str | None
    counterpart_canonical: str | None


def conform_messages(
    bronze: pl.DataFrame, directory: Directory, privacy: PrivacyContext, timezone: str
) -> pl.DataFrame:
    if bronze.is_empty():
        return pl.DataFrame(schema=SILVER_MESSAGES_SCHEMA)
    bronze = bronze.sort("ingested_at", "source_file", "line_number")
    chats = {
        (source_file, owner): chat_parties(source_file, owner, senders, directory, privacy)
        for (source_file, owner), senders in senders_by_file(bronze).items()
    }
    senders = sender_identities(bronze, chats, directory, privacy)
    pseudo = privacy.pseudonymizer

    def token(canonical: str | None) -> str | None:
        return pseudo.token(canonical) if canonical else None

    rows = {
        name: []
        for name in (
            "chat_id",
            "employee_token",
            "counterpart_token",
            "team",
            "sender_token",
            "sender_role",
            "direction",
        )
    }
    for source_file, owner, sender, kind in bronze.select(
        "source_file", "owner_folder", "sender", "kind"
    ).iter_rows():
        chat = chats[(source_file, owner)]
        canonical, role = senders.get((source_file, sender), (None, "system"))
        rows["chat_id"].append(chat.chat_id)
        rows["employee_token"].append(token(chat.employee_canonical))
        rows["counterpart_token"].append(token(chat.counterpart_canonical))
        rows["team"].append(chat.team)
        rows["sender_token"].append(token(canonical))
        rows["sender_role"].append(role if kind == "message" else "system")
        rows["direction"].append(_direction(kind, canonical, chat))

    body = bronze.get_column("body").fill_null("").to_list()
    attachments = bronze.get_column("attachment_name").to_list()
    redacted_text = redact_many(body, privacy.analyzer, privacy.pseudonymizer)
    redacted_attachments = redact_optional(attachments, privacy.analyzer, privacy.pseudonymizer)

    silver = (
        bronze.select(
            pl.col("record_id").alias("bronze_record_id"),
            "event_date",
            "event_local",
            "kind",
            "media_kind",
            "is_deleted",
            "is_edited",
            "date_order_ambiguous",
            "file_sha256",
        )
        .with_columns(
            pl.Series("text_redacted", redacted_text, dtype=pl.Utf8),
            pl.Series("attachment_redacted", redacted_attachments, dtype=pl.Utf8),
            *(pl.Series(name, values, dtype=pl.Utf8) for name, values in rows.items()),
            sent_at=local_to_utc("event_local", timezone),
        )
        .with_columns(utc_offset_minutes=utc_offset_minutes("event_local", "sent_at"))
    )

    # One id per message across re-exports: same chat, time, sender and content (the n-th such
    # message within its export, so two identical "ok" in one minute stay two messages).
    content = [keyed_id(privacy.key, "B", b) for b in body]
    silver = silver.with_columns(pl.Series("_content", content)).with_columns(
        _occurrence=pl.int_range(pl.len()).over(
            "file_sha256", "chat_id", "sent_at", "sender_token", "_content"
        )
    )
    ids = [
        keyed_id(privacy.key, "M", chat, sent, sender, body_id, n)
        for chat, sent, sender, body_id, n in silver.select(
            "chat_id", "sent_at", "sender_token", "_content", "_occurrence"
        ).iter_rows()
    ]
    silver = silver.with_columns(pl.Series("message_id", ids))
    return (
        silver.unique(subset="message_id", keep="first", maintain_order=True)
        .select(list(SILVER_MESSAGES_SCHEMA))
        .cast(SILVER_MESSAGES_SCHEMA)
    )


def senders_by_file(bronze: pl.DataFrame) -> dict[tuple[str, str | None], list[str]]:
    grouped = (
        bronze.filter(pl.col("sender").is_not_null())
        .group_by("source_file", "owner_folder", maintain_order=True)
        .agg(pl.col("sender").unique(maintain_order=True))
    )
    result = {(f, o): s for f, o, s in grouped.iter_rows()}
    for source_file, owner in bronze.select("source_file", "owner_folder").unique().iter_rows():
        result.setdefault((source_file, owner), [])
    return result


def chat_parties(
    source_file: str,
    owner: str | None,
    senders: list[str],
    directory: Directory,
    privacy: PrivacyContext,
) -> ChatParties:
    employee = directory.employee(owner)
    if employee is None:  # no employee folder: the first sender found in the directory
        for sender in senders:
            _, person = directory.resolve(sender, scope="?", default_region=privacy.default_region)
            if person is not None and person.kind == "employee":
                employee = person
                break
    scope = employee.person_id if employee else (owner or source_file)
    title = chat_title(source_file)
    counterpart = None
    if title:
        counterpart, _ = directory.resolve(title, scope, privacy.default_region)
    elif employee is not None:  # untitled export: the one sender who is not the employee
        others = [s for s in senders if directory.resolve(s, scope)[0] != employee.canonical]
        if len(others) == 1:
            counterpart, _ = directory.resolve(others[0], scope, privacy.default_region)
    employee_canonical = employee.canonical if employee else None
    return ChatParties(
        chat_id=keyed_id(privacy.key, "C", employee_canonical or scope, counterpart or source_file),
        employee_canonical=employee_canonical,
        employee_id=employee.person_id if employee else None,
        team=employee.team if employee else None,
        counterpart_canonical=counterpart,
    )


def sender_identities(
    bronze: pl.DataFrame, chats: dict, directory: Directory, privacy: PrivacyContext
) -> dict[tuple[str, str], tuple[str, str]]:
    """(source_file, sender as shown) -> (canonical identifier, role)."""
    identities = {}
    pairs = (
        bronze.filter(pl.col("sender").is_not_null())
        .select("source_file", "owner_folder", "sender")
        .unique(maintain_order=True)
    )
    for source_file, owner, sender in pairs.iter_rows():
        chat: ChatParties = chats[(source_file, owner)]
        scope = chat.employee_id or owner or source_file
        canonical, person = directory.resolve(sender, scope, privacy.default_region)
        if canonical == chat.employee_canonical:
            role = "employee"
        elif person is not None:
            role = person.kind
        elif canonical == chat.counterpart_canonical:
            role = "client"
        else:
            role = "unknown"
        identities[(source_file, sender)] = (canonical, role)
    return identities


def _direction(kind: str, sender: str | None, chat: ChatParties) -> str:
    if kind != "message" or sender is None:
        return "system"
    return "outbound" if sender == chat.employee_canonical else "inbound"
