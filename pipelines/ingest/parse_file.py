"""Parse one landing file of any supported type, detected from its content, into plain records.

Used by ``vigia parse FILE``: WhatsApp export text, Cloud API webhook JSON, or a call-record CSV
(Asterisk cdr-csv, or a mapped layout chosen by its folder name, its header row or its width).
Each record is a JSON-ready dict with at least ``kind``, ``timestamp`` (ISO-8601), ``sender``,
``body`` and ``attachment``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.call_mappings import CallMapping, available_mappings, parse_mapped_calls
from pipelines.ingest.call_records import LAYOUTS, CallRecord, parse_asterisk_cdr, split_row
from pipelines.ingest.cloud_api import CloudMessage, CloudStatus, parse_deliveries
from pipelines.ingest.quarantine import QuarantinedRecord
from pipelines.ingest.text_lines import physical_lines, read_text
from pipelines.ingest.whatsapp_export import ParsedMessage, parse_export
from pipelines.ingest.whatsapp_layouts import infer_family

SAMPLE_LINES = 200


@dataclass
class FileParse:
    kind: str  # "whatsapp" | "cloud_api" | "call_records"
    layout: str
    records: list[dict]
    quarantined: list[QuarantinedRecord]
    total_lines: int
    header_lines: int = 0

    @property
    def parsed_lines(self) -> int:
        return self.total_lines - self.header_lines - sum(q.line_count for q in self.quarantined)


def whatsapp_record(m: ParsedMessage) -> dict:
    return {
        "kind": m.message_type,
        "timestamp": m.timestamp.isoformat(),
        "timestamp_text": m.timestamp_text,
        "sender": m.sender,
        "body": m.body,
        "attachment": m.attachment_name,
        "media_kind": m.media_kind,
        "is_deleted": m.is_deleted,
        "is_edited": m.is_edited,
        "system_event": m.system_event,
        "line": m.line_number,
        "lines": m.line_count,
    }


def call_json(c: CallRecord) -> dict:
    return {
        "kind": "call",
        "timestamp": c.start.isoformat(),
        "sender": c.src,
        "recipient": c.dst,
        "body": None,
        "attachment": None,
        "answered_at": c.answer.isoformat() if c.answer else None,
        "ended_at": c.end.isoformat(),
        "duration": c.duration,
        "billsec": c.billsec,
        "disposition": c.disposition,
        "disposition_raw": c.disposition_raw,
        "uniqueid": c.uniqueid,
        "linkedid": c.linkedid or None,
        "line": c.line_number,
    }


def cloud_message_json(m: CloudMessage) -> dict:
    return {
        "kind": m.message_type,
        "timestamp": m.timestamp.isoformat(),
        "sender": m.from_id,
        "recipient": m.to_id or m.envelope.business_phone,
        "sender_name": m.contact_name if m.direction == "inbound" else None,
        "body": m.body,
        "attachment": m.attachment_name,
        "media_kind": m.media_kind,
        "direction": m.direction,
        "id": m.wa_message_id,
        "reply_to": m.context_message_id,
        "original_id": m.original_message_id,
        "forwarded": m.is_forwarded,
        "is_deleted": m.is_deleted,
        "is_edited": m.is_edited,
        "system_event": m.system_event,
        "line": m.envelope.line_number,
        "item": m.item_index,
    }


def cloud_status_json(s: CloudStatus) -> dict:
    return {
        "kind": "status",
        "status": s.status,
        "timestamp": s.timestamp.isoformat(),
        "sender": s.envelope.business_phone,
        "recipient": s.recipient_id,
        "body": None,
        "attachment": None,
        "id": s.wa_message_id,
        "error_code": s.error_code,
        "error_title": s.error_title,
        "line": s.envelope.line_number,
        "item": s.item_index,
    }


def _csv_mapping(path: Path, lines: list[str]) -> CallMapping | None:
    """A mapping named by the file's folder, matching its header row, or alone with its width."""
    mappings = available_mappings()
    if path.parent.name in mappings:
        return mappings[path.parent.name]
    rows = [r for r in (split_row(line) for line in lines[:SAMPLE_LINES] if line.strip()) if r]
    if not rows:
        return None
    first = [v.strip().lower() for v in rows[0]]
    for mapping in mappings.values():
        if mapping.columns and first == list(mapping.columns):
            return mapping
    width = Counter(len(r) for r in rows).most_common(1)[0][0]
    if width in LAYOUTS:
        return None
    fitting = [m for m in mappings.values() if len(m.columns) == width]
    return fitting[0] if len(fitting) == 1 else None


def detect_kind(path: Path, text: str) -> str:
    """``cloud_api`` for JSON, ``whatsapp`` when export headers are found, else ``call_records``."""
    start = text.lstrip("\ufeff \t\r\n")
    if start[:1] == "{" or (start[:1] == "[" and start[1:].lstrip()[:1] in ("{", "]")):
        return "cloud_api"  # an object, or an array of objects (iOS exports start with "[dd")
    lines = physical_lines(text)
    if infer_family(lines) is not None:
        return "whatsapp"
    return "call_records"


def parse_file(path: Path, mapping: CallMapping | None = None) -> FileParse:
    """Parse ``path`` (type detected unless a call ``mapping`` is given)."""
    text, _ = read_text(path)
    kind = "call_records" if mapping else detect_kind(path, text)
    if kind == "whatsapp":
        export = parse_export(text)
        records = [whatsapp_record(m) for m in export.messages]
        return FileParse(kind, export.layout, records, export.quarantined, export.total_lines)
    if kind == "cloud_api":
        deliveries = parse_deliveries(text)
        items = [
            (m.envelope.line_number, m.item_index, cloud_message_json(m))
            for m in deliveries.messages
        ]
        items += [
            (s.envelope.line_number, s.item_index, cloud_status_json(s))
            for s in deliveries.statuses
        ]
        records = [record for _, _, record in sorted(items, key=lambda t: t[:2])]
        return FileParse(
            kind, deliveries.layout, records, deliveries.quarantined, deliveries.total_lines
        )
    mapping = mapping or _csv_mapping(path, physical_lines(text))
    calls = parse_mapped_calls(text, mapping) if mapping else parse_asterisk_cdr(text)
    return FileParse(
        kind,
        calls.layout,
        [call_json(c) for c in calls.records],
        calls.quarantined,
        calls.total_lines,
        calls.header_lines,
    )
