"""Parser for WhatsApp Business Platform (Cloud API) webhook deliveries, as stored in landing.

A ``.jsonl`` file holds one delivery per line; a ``.json`` file holds one delivery, or an array
of them, possibly pretty-printed over many lines. Every ``entry[].changes[].value`` is read:
``messages`` (user -> business), ``message_echoes`` (business -> user, sent from the WhatsApp
Business app) and ``statuses``. A status never creates a message; edits, revokes and reactions
keep the id of the message they point at. Each record keeps its own JSON object as ``raw`` (every
field, unknown ones too) and the sha256 of the delivery it came from.

A delivery unit (a line, or a whole document) is parsed completely or quarantined completely,
with the reason naming the line and the JSON path: parsed + quarantined lines = lines in the file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines.ingest.cloud_api_content import BadField, content, text_of
from pipelines.ingest.quarantine import QuarantinedRecord, line_span
from pipelines.ingest.text_lines import physical_lines, read_text

MESSAGE_ARRAYS = (("messages", "inbound"), ("message_echoes", "outbound"))


@dataclass(frozen=True)
class Envelope:
    """Where a record came from: the delivery and the business number it was addressed to."""

    line_number: int
    line_count: int
    delivery_sha256: str
    waba_id: str | None
    phone_number_id: str | None
    business_phone: str | None  # metadata.display_phone_number, digits as sent
    field: str  # the change's "field", e.g. "messages" or "smb_message_echoes"


@dataclass(frozen=True)
class CloudMessage:
    envelope: Envelope
    item_index: int  # position of the record within its delivery unit
    raw: str  # the message object as compact JSON, every field kept
    wa_message_id: str
    direction: str  # "inbound" (from the user) | "outbound" (an echo of the business)
    from_id: str
    to_id: str | None
    client_wa_id: str | None  # the user's side: "from" inbound, "to" outbound
    contact_name: str | None  # the user's WhatsApp profile name, when sent
    timestamp: datetime  # UTC
    timestamp_text: str  # epoch seconds as written
    message_type: str
    body: str
    media_kind: str | None
    attachment_name: str | None
    media_id: str | None
    mime_type: str | None
    context_message_id: str | None  # the message replied to
    original_message_id: str | None  # the message edited, revoked or reacted to
    is_forwarded: bool
    is_deleted: bool
    is_edited: bool
    system_event: str | None


@dataclass(frozen=True)
class CloudStatus:
    envelope: Envelope
    item_index: int
    raw: str
    wa_message_id: str  # the message this status is about
    status: str  # sent, delivered, read, played, failed, deleted, ...
    recipient_id: str | None
    timestamp: datetime
    timestamp_text: str
    conversation_id: str | None
    pricing_category: str | None
    error_code: int | None  # first of errors[], for failed messages
    error_title: str | None


@dataclass
class ParsedDeliveries:
    messages: list[CloudMessage]
    statuses: list[CloudStatus]
    quarantined: list[QuarantinedRecord]
    total_lines: int
    deliveries: int = 0
    layout: str = "cloud-api-jsonl"  # or "cloud-api-json" (one document)
    encoding: str | None = None
    empty_lines: int = field(default=0)


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _list(parent: dict, key: str, path: str) -> list:
    value = parent.get(key, [])
    if not isinstance(value, list):
        raise BadField(f"{path}.{key} is not a list")
    return value


def _dict(value: object, path: str) -> dict:
    if not isinstance(value, dict):
        raise BadField(f"{path} is not an object")
    return value


def _required(record: dict, key: str, path: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value:
        raise BadField(f"{path}.{key} is missing or not a string")
    return value


def _epoch(record: dict, path: str) -> tuple[datetime, str]:
    value = record.get("timestamp")
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not text.isascii() or not text.isdigit():
        raise BadField(f"{path}.timestamp is not epoch seconds")
    try:
        return datetime.fromtimestamp(int(text), UTC), text
    except (OverflowError, OSError, ValueError):
        raise BadField(f"{path}.timestamp is out of range") from None


def _message(
    record: dict, path: str, env: Envelope, index: int, direction: str, names: dict[str, str]
) -> CloudMessage:
    record = _dict(record, path)
    when, when_text = _epoch(record, path)
    try:
        info = content(record)
    except BadField as exc:
        raise BadField(f"{path}: {exc}") from None
    sender = (
        _required(record, "from", path)
        if direction == "inbound"
        else text_of(record.get("from")) or (env.business_phone or "")
    )
    to = record.get("to") if isinstance(record.get("to"), str) else None
    client = sender if direction == "inbound" else to
    context = record.get("context") if isinstance(record.get("context"), dict) else {}
    return CloudMessage(
        envelope=env,
        item_index=index,
        raw=_compact(record),
        wa_message_id=_required(record, "id", path),
        direction=direction,
        from_id=sender,
        to_id=to,
        client_wa_id=client,
        contact_name=names.get(client or ""),
        timestamp=when,
        timestamp_text=when_text,
        message_type=info.message_type,
        body=info.body,
        media_kind=info.media_kind,
        attachment_name=info.attachment_name,
        media_id=info.media_id,
        mime_type=info.mime_type,
        context_message_id=text_of(context.get("id")) or None,
        original_message_id=info.original_message_id,
        is_forwarded=bool(context.get("forwarded") or context.get("frequently_forwarded")),
        is_deleted=info.is_deleted,
        is_edited=info.is_edited,
        system_event=info.system_event,
    )


def _status(record: dict, path: str, env: Envelope, index: int) -> CloudStatus:
    record = _dict(record, path)
    when, when_text = _epoch(record, path)
    errors = record.get("errors") if isinstance(record.get("errors"), list) else []
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    code = first.get("code")
    conversation = record.get("conversation")
    pricing = record.get("pricing")
    return CloudStatus(
        envelope=env,
        item_index=index,
        raw=_compact(record),
        wa_message_id=_required(record, "id", path),
        status=_required(record, "status", path),
        recipient_id=text_of(record.get("recipient_id")) or None,
        timestamp=when,
        timestamp_text=when_text,
        conversation_id=text_of(conversation.get("id")) or None
        if isinstance(conversation, dict)
        else None,
        pricing_category=text_of(pricing.get("category")) or None
        if isinstance(pricing, dict)
        else None,
        error_code=code if isinstance(code, int) and not isinstance(code, bool) else None,
        error_title=text_of(first.get("title")) or None,
    )


def _delivery(
    payload: object, path: str, line: int, count: int, sha: str, start: int, out: ParsedDeliveries
) -> int:
    """Append the records of one delivery to ``out``; return the next item index."""
    payload = _dict(payload, path)
    if "entry" not in payload:
        raise BadField(f"{path} has no 'entry': not a webhook delivery")
    messages: list[CloudMessage] = []
    statuses: list[CloudStatus] = []
    index = start
    for e, entry in enumerate(_list(payload, "entry", path)):
        entry_path = f"{path}.entry[{e}]"
        entry = _dict(entry, entry_path)
        for c, change in enumerate(_list(entry, "changes", entry_path)):
            change_path = f"{entry_path}.changes[{c}]"
            change = _dict(change, change_path)
            value = _dict(change.get("value"), f"{change_path}.value")
            meta = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            env = Envelope(
                line,
                count,
                sha,
                text_of(entry.get("id")) or None,
                text_of(meta.get("phone_number_id")) or None,
                text_of(meta.get("display_phone_number")) or None,
                text_of(change.get("field")) or "messages",
            )
            names = {}
            for contact in _list(value, "contacts", f"{change_path}.value"):
                if isinstance(contact, dict):
                    profile = (
                        contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
                    )
                    names[text_of(contact.get("wa_id"))] = text_of(profile.get("name")) or None
            for key, direction in MESSAGE_ARRAYS:
                for i, record in enumerate(_list(value, key, f"{change_path}.value")):
                    record_path = f"{change_path}.value.{key}[{i}]"
                    messages.append(_message(record, record_path, env, index, direction, names))
                    index += 1
            for i, record in enumerate(_list(value, "statuses", f"{change_path}.value")):
                statuses.append(_status(record, f"{change_path}.value.statuses[{i}]", env, index))
                index += 1
    out.messages.extend(messages)
    out.statuses.extend(statuses)
    out.deliveries += 1
    return index


def _unit(raw: str, line: int, count: int, out: ParsedDeliveries, document: object) -> None:
    """Parse one delivery unit (a line, or the whole file) or quarantine all of it."""
    span = line_span(line, count)
    sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    kept = (len(out.messages), len(out.statuses), out.deliveries)
    try:
        payloads = document if isinstance(document, list) else [document]
        index = 0
        for d, payload in enumerate(payloads):
            path = f"[{d}]" if isinstance(document, list) else "$"
            index = _delivery(payload, path, line, count, sha, index, out)
        if index == 0:
            raise BadField("the delivery holds no messages, message echoes or statuses")
    except BadField as exc:
        del out.messages[kept[0] :], out.statuses[kept[1] :]
        out.deliveries = kept[2]
        out.quarantined.append(QuarantinedRecord(line, count, raw, f"{span}: {exc}"))


def parse_deliveries(text: str) -> ParsedDeliveries:
    """Parse the text of a Cloud API landing file. Never raises on content."""
    lines = physical_lines(text)
    out = ParsedDeliveries([], [], [], len(lines))
    if len(lines) > 1 and text.strip():
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            document = None
        if document is not None:  # one document over several lines
            out.layout = "cloud-api-json"
            _unit("\n".join(lines), 1, len(lines), out, document)
            return out
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            out.empty_lines += 1
            reason = f"line {number}: empty line; a .jsonl file holds one delivery per line"
            out.quarantined.append(QuarantinedRecord(number, 1, line, reason))
            continue
        try:
            document = json.loads(line)
        except (ValueError, RecursionError) as exc:
            problem = getattr(exc, "msg", "nesting too deep")
            reason = f"line {number}: not valid JSON ({problem}); export the delivery again"
            out.quarantined.append(QuarantinedRecord(number, 1, line, reason))
            continue
        _unit(line, number, 1, out, document)
    return out


def read_deliveries(path: Path) -> ParsedDeliveries:
    """Read, decode and parse one landing file; unreadable files raise ExportReadError."""
    text, encoding = read_text(path)
    parsed = parse_deliveries(text)
    parsed.encoding = encoding
    if Path(path).suffix.lower() == ".json" and parsed.layout == "cloud-api-jsonl":
        parsed.layout = "cloud-api-json-lines"
    return parsed
