"""Bronze rows of Cloud API webhook files: messages and statuses, each with its own hash chain.

Records are chained per file and per table in file order (line, then position in the delivery),
exactly as ``pipelines.ingest.bronze`` chains export lines. ``event_date`` is the date in the
firm's time zone, like the other sources.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.ingest.bronze import (
    UTC_US,
    BronzeBatch,
    hash_chain,
    manifest_row,
    quarantine_frame,
)
from pipelines.ingest.cloud_api import CloudMessage, CloudStatus, ParsedDeliveries
from pipelines.ingest.landing import LandingFile

CLOUD_MESSAGES_TABLE = "bronze.cloud_api_messages"
CLOUD_STATUSES_TABLE = "bronze.cloud_api_statuses"

_PROVENANCE = {
    "record_id": pl.Utf8,
    "source_file": pl.Utf8,
    "file_sha256": pl.Utf8,
    "line_number": pl.Int64,
    "line_count": pl.Int64,
    "item_index": pl.Int64,
    "raw": pl.Utf8,
    "delivery_sha256": pl.Utf8,
    "waba_id": pl.Utf8,
    "phone_number_id": pl.Utf8,
    "business_phone": pl.Utf8,
    "field": pl.Utf8,
}
_TAIL = {
    "event_at": UTC_US,
    "timestamp_text": pl.Utf8,
    "event_local": pl.Utf8,
    "event_date": pl.Date,
}
_HASHES = {"record_sha256": pl.Utf8, "chain_sha256": pl.Utf8, "ingested_at": UTC_US}
_MESSAGE_FIELDS = {
    "wa_message_id": pl.Utf8,
    "direction": pl.Utf8,
    "from_id": pl.Utf8,
    "to_id": pl.Utf8,
    "client_wa_id": pl.Utf8,
    "contact_name": pl.Utf8,
    "message_type": pl.Utf8,
    "body": pl.Utf8,
    "media_kind": pl.Utf8,
    "attachment_name": pl.Utf8,
    "media_id": pl.Utf8,
    "mime_type": pl.Utf8,
    "context_message_id": pl.Utf8,
    "original_message_id": pl.Utf8,
    "is_forwarded": pl.Boolean,
    "is_deleted": pl.Boolean,
    "is_edited": pl.Boolean,
    "system_event": pl.Utf8,
}
_STATUS_FIELDS = {
    "wa_message_id": pl.Utf8,
    "status": pl.Utf8,
    "recipient_id": pl.Utf8,
    "conversation_id": pl.Utf8,
    "pricing_category": pl.Utf8,
    "error_code": pl.Int64,
    "error_title": pl.Utf8,
}
CLOUD_MESSAGES_SCHEMA = {**_PROVENANCE, **_MESSAGE_FIELDS, **_TAIL, **_HASHES}
CLOUD_STATUSES_SCHEMA = {**_PROVENANCE, **_STATUS_FIELDS, **_TAIL, **_HASHES}


def _frame(
    file: LandingFile,
    records: list[CloudMessage] | list[CloudStatus],
    fields: dict,
    schema: dict,
    zone: ZoneInfo,
    ingested_at: datetime,
    ordinals: dict[tuple[int, int], int],
) -> pl.DataFrame:
    record_hashes, chains = hash_chain(file.sha256, [r.raw for r in records])
    local = [r.timestamp.astimezone(zone).replace(tzinfo=None) for r in records]
    envelopes = [r.envelope for r in records]
    columns: dict[str, list] = {
        "record_id": [
            f"{file.sha256[:16]}-{ordinals[(r.envelope.line_number, r.item_index)]}"
            for r in records
        ],
        "source_file": [file.relative] * len(records),
        "file_sha256": [file.sha256] * len(records),
        "line_number": [e.line_number for e in envelopes],
        "line_count": [e.line_count for e in envelopes],
        "item_index": [r.item_index for r in records],
        "raw": [r.raw for r in records],
        "delivery_sha256": [e.delivery_sha256 for e in envelopes],
        "waba_id": [e.waba_id for e in envelopes],
        "phone_number_id": [e.phone_number_id for e in envelopes],
        "business_phone": [e.business_phone for e in envelopes],
        "field": [e.field for e in envelopes],
    }
    for name in fields:
        columns[name] = [getattr(r, name) for r in records]
    columns |= {
        "event_at": [r.timestamp for r in records],
        "timestamp_text": [r.timestamp_text for r in records],
        "event_local": [t.isoformat() for t in local],
        "event_date": [t.date() for t in local],
        "record_sha256": record_hashes,
        "chain_sha256": chains,
        "ingested_at": [ingested_at] * len(records),
    }
    return pl.DataFrame(columns, schema=schema)


def cloud_batch(
    file: LandingFile, parsed: ParsedDeliveries, ingested_at: datetime, timezone: str
) -> BronzeBatch:
    zone = ZoneInfo(timezone)
    # record ids: "<file sha256[:16]>-<n>", n = the record's place among all records of the file
    positions = [(r.envelope.line_number, r.item_index) for r in parsed.messages]
    positions += [(r.envelope.line_number, r.item_index) for r in parsed.statuses]
    ordinals = {key: n for n, key in enumerate(sorted(positions), start=1)}
    messages = _frame(
        file, parsed.messages, _MESSAGE_FIELDS, CLOUD_MESSAGES_SCHEMA, zone, ingested_at, ordinals
    )
    statuses = _frame(
        file, parsed.statuses, _STATUS_FIELDS, CLOUD_STATUSES_SCHEMA, zone, ingested_at, ordinals
    )
    quarantine = quarantine_frame(file, parsed.quarantined, ingested_at)
    quarantined_lines = sum(q.line_count for q in parsed.quarantined)
    manifest = manifest_row(
        file,
        layout=parsed.layout,
        encoding=parsed.encoding or "utf-8",
        total_lines=parsed.total_lines,
        header_lines=0,
        parsed_lines=parsed.total_lines - quarantined_lines,
        records=[messages, statuses],
        quarantine=quarantine,
        ingested_at=ingested_at,
    )
    return BronzeBatch(
        {CLOUD_MESSAGES_TABLE: messages, CLOUD_STATUSES_TABLE: statuses}, quarantine, manifest
    )
