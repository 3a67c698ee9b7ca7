"""Bronze Cloud API messages -> silver messages (the same schema as exported chats).

The business number a delivery was addressed to (``metadata.display_phone_number``) is the
employee side; the user's ``wa_id`` is the counterpart. Inbound messages are the client's,
message echoes the employee's. A webhook delivered twice is one message (keyed by the WhatsApp
message id). A revoke flags the message it deletes (its text is kept, as evidence) and an edit
flags the original and stays as its own row with the new text; a revoke whose original is not in
the batch stays as a deleted row. Reactions get kind ``reaction``, system notices ``system``.
"""

from __future__ import annotations

import polars as pl

from pipelines.conform.directory import Directory
from pipelines.conform.keyed_ids import keyed_id
from pipelines.conform.local_time import utc_offset_minutes
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA, PrivacyContext
from pipelines.privacy.redaction import redact_many, redact_optional

_KIND = {"reaction": "reaction", "unreaction": "reaction", "system": "system"}


def wa_number(wa_id: str | None) -> str:
    """A wa_id or display number (digits, no "+") as an international number."""
    wa_id = (wa_id or "").strip()
    return f"+{wa_id}" if wa_id.isdigit() else wa_id


def _flag_originals(bronze: pl.DataFrame) -> pl.DataFrame:
    """Set is_deleted / is_edited on messages that a revoke / edit in the batch points at."""

    def targets(message_type: str) -> list[str]:
        rows = bronze.filter(pl.col("message_type") == message_type)
        return rows["original_message_id"].drop_nulls().to_list()

    ids = pl.col("wa_message_id")
    present = bronze["wa_message_id"].to_list()
    return bronze.with_columns(
        is_deleted=pl.col("is_deleted") | ids.is_in(targets("revoke")),
        is_edited=pl.col("is_edited") | ids.is_in(targets("edit")),
    ).filter(
        (pl.col("message_type") != "revoke")
        | ~pl.col("original_message_id").is_in(present).fill_null(False)
    )


def conform_cloud_messages(
    bronze: pl.DataFrame, directory: Directory, privacy: PrivacyContext, timezone: str
) -> pl.DataFrame:
    """Silver rows for bronze.cloud_api_messages rows (``timezone`` is unused: bronze already
    holds the local time; kept for the same call shape as ``conform_messages``)."""
    if bronze.is_empty():
        return pl.DataFrame(schema=SILVER_MESSAGES_SCHEMA)
    bronze = (
        bronze.sort("ingested_at", "source_file", "line_number", "item_index")
        .unique(subset="wa_message_id", keep="first", maintain_order=True)
        .pipe(_flag_originals)
    )
    pseudo = privacy.pseudonymizer
    region = privacy.default_region
    people: dict[tuple[str, str], tuple[str | None, object]] = {}

    def resolve(number: str | None, scope: str) -> tuple[str | None, object]:
        shown = wa_number(number)
        if not shown:
            return None, None
        if (shown, scope) not in people:
            people[(shown, scope)] = directory.resolve(shown, scope, region)
        return people[(shown, scope)]

    columns: dict[str, list] = {
        name: []
        for name in (
            "message_id",
            "chat_id",
            "kind",
            "direction",
            "sender_token",
            "sender_role",
            "employee_token",
            "counterpart_token",
            "team",
        )
    }
    rows = bronze.select(
        "wa_message_id", "business_phone", "client_wa_id", "direction", "message_type"
    ).iter_rows()
    for wa_message_id, business, client, direction, message_type in rows:
        employee, employee_person = resolve(business, "business")
        counterpart, counterpart_person = resolve(client, employee or "business")
        kind = _KIND.get(message_type, "message")
        if kind == "system":
            sender, role, way = None, "system", "system"
        elif direction == "outbound":
            sender, role, way = employee, "employee", "outbound"
        else:
            sender, way = counterpart, "inbound"
            role = getattr(counterpart_person, "kind", None) or "client"
        columns["message_id"].append(keyed_id(privacy.key, "M", "cloud", wa_message_id))
        columns["chat_id"].append(keyed_id(privacy.key, "C", employee, counterpart))
        columns["kind"].append(kind)
        columns["direction"].append(way)
        columns["sender_token"].append(pseudo.token(sender) if sender else None)
        columns["sender_role"].append(role)
        columns["employee_token"].append(pseudo.token(employee) if employee else None)
        columns["counterpart_token"].append(pseudo.token(counterpart) if counterpart else None)
        is_employee = getattr(employee_person, "kind", None) == "employee"
        columns["team"].append(employee_person.team if is_employee else None)  # type: ignore[attr-defined]

    body = bronze.get_column("body").fill_null("").to_list()
    silver = bronze.select(
        pl.col("record_id").alias("bronze_record_id"),
        "event_date",
        "event_local",
        pl.col("event_at").alias("sent_at"),
        "media_kind",
        "is_deleted",
        "is_edited",
        pl.lit(False).alias("date_order_ambiguous"),
    ).with_columns(
        *(pl.Series(name, values, dtype=pl.Utf8) for name, values in columns.items()),
        pl.Series("text_redacted", redact_many(body, privacy.analyzer, pseudo), dtype=pl.Utf8),
        pl.Series(
            "attachment_redacted",
            redact_optional(
                bronze.get_column("attachment_name").to_list(),
                privacy.analyzer,
                privacy.pseudonymizer,
            ),
            dtype=pl.Utf8,
        ),
        utc_offset_minutes=utc_offset_minutes("event_local", "sent_at"),
    )
    return silver.select(list(SILVER_MESSAGES_SCHEMA)).cast(SILVER_MESSAGES_SCHEMA)
