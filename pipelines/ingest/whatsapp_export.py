"""Parser for WhatsApp "Export chat" .txt files from any phone, app version or locale.

The line layout and the day/month order are inferred from the file (see ``whatsapp_layouts``).
A line that does not start with a header of the chosen layout continues the previous record.
Nothing is dropped: every physical line ends up in exactly one message or quarantined record.

Records are cut over whole columns (``whatsapp_columns``); the per-record code here takes the
rare records the column pass leaves (system lines, invalid stamps, ...) and is the reference the
column pass is tested against (``parse_export(text, columnar=False)``).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from operator import attrgetter
from pathlib import Path

import polars as pl

from pipelines.ingest.quarantine import QuarantinedRecord, line_span
from pipelines.ingest.text_lines import physical_lines, read_text
from pipelines.ingest.whatsapp_columns import MESSAGE_SCHEMA, columnar_records, find_headers
from pipelines.ingest.whatsapp_layouts import (
    INVISIBLE,
    Family,
    StampReader,
    decide_date_order,
    infer_family,
)
from pipelines.ingest.whatsapp_media import classify_message, system_event

__all__ = ["ParsedExport", "ParsedMessage", "QuarantinedRecord", "parse_export", "read_export"]


@dataclass(frozen=True)
class ParsedMessage:
    line_number: int  # 1-based physical line where the record starts
    line_count: int  # physical lines it covers (continuation lines included)
    raw: str  # the record as in the file, lines joined with "\n"
    timestamp: datetime  # naive local time as written
    sender: str | None  # None for system lines; invisible marks stripped
    body: str  # cleaned text; for media the caption, for deleted messages ""
    kind: str  # "message" | "system"
    media_kind: str | None  # image, audio, video, document, sticker, gif, contact, location, media
    attachment_name: str | None
    is_deleted: bool
    is_edited: bool
    message_type: str = "text"  # text, media, deleted, poll, call, system
    system_event: str | None = None  # e.g. "encryption_notice", "member_added" (system lines)
    timestamp_text: str = ""  # the header's date and time exactly as written


@dataclass(eq=False)
class ParsedExport:
    layout: str  # e.g. "android-dmy-24h", "ios-dmy-24h-seconds"; "unknown" without headers
    date_order: str  # "DMY" | "MDY" | "YMD"
    date_order_ambiguous: bool
    frame: pl.DataFrame  # one row per message in file order; columns = ParsedMessage fields
    quarantined: list[QuarantinedRecord]
    total_lines: int  # physical lines (\r\n, \n or \r); a final terminator adds none
    encoding: str | None = None  # set by read_export: utf-8, utf-8-sig, utf-16 or cp1252
    line_start: str = ""  # the inferred header template, e.g. "DD/MM/YYYY HH:MM - "

    @cached_property
    def messages(self) -> list[ParsedMessage]:
        """The rows of ``frame`` as ParsedMessage objects (built on first use)."""
        with _gc_paused():
            columns = (self.frame.get_column(name).to_list() for name in MESSAGE_SCHEMA)
            return list(map(_message, *columns))


_new = object.__new__
_set = object.__setattr__


def _message(
    line_number: int, line_count: int, raw: str, timestamp: datetime, sender: str | None,
    body: str, kind: str, media_kind: str | None, attachment_name: str | None,
    is_deleted: bool, is_edited: bool, message_type: str, system_event: str | None,
    timestamp_text: str,
) -> ParsedMessage:
    """Build a ParsedMessage without the frozen ``__init__`` (the hot path of the parser).

    The generated frozen ``__init__`` sets each field through ``object.__setattr__``; filling the
    instance dict at once is ~3x faster. Equality, hashing and immutability are unchanged
    (a test compares both ways of building).
    """
    obj = _new(ParsedMessage)
    _set(obj, "__dict__", {
        "line_number": line_number, "line_count": line_count, "raw": raw,
        "timestamp": timestamp, "sender": sender, "body": body, "kind": kind,
        "media_kind": media_kind, "attachment_name": attachment_name,
        "is_deleted": is_deleted, "is_edited": is_edited, "message_type": message_type,
        "system_event": system_event, "timestamp_text": timestamp_text,
    })
    return obj


_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
# System lines whose text may quote user text holding ": " (group subject/description changes).
_QUOTED_SYSTEM = re.compile(
    r"changed (?:the )?(?:subject|group name|group description)|changed this group's"
    r"|created group|(?:mudou|alterou) (?:o nome|o assunto|a descrição)|criou (?:o )?grupo"
    r"|cambió (?:el asunto|el nombre|la descripción)|creó el grupo",
    re.IGNORECASE,
)
_QUOTE = re.compile("[\"'\u201c\u201d\u00ab]")
_INVALID_STAMP = "message header with an invalid date or time (read as {}); check the date order"


def _clean(text: str) -> str:
    return text if text.isascii() else _INVISIBLE_RE.sub("", text)


@lru_cache(maxsize=64)
def _pattern(family: Family) -> re.Pattern[str]:
    return family.pattern()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building many acyclic objects (~25-40% faster on big exports).

    Match objects and messages are GC-tracked; with the collector running, every few hundred
    allocations trigger a collection that walks them all again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_export(text: str, *, columnar: bool = True) -> ParsedExport:
    """Parse the text of one chat export. Never raises on content.

    ``columnar=False`` runs the per-record code on every record (the reference the column pass is
    tested against; same result, several times slower on big exports). Lone surrogates, which no
    decoded file holds, are written as "?".
    """
    with _gc_paused():
        try:
            return _parse(text, columnar)
        except UnicodeEncodeError:
            return _parse(text.encode("utf-8", "replace").decode("utf-8"), columnar)


def _parse(text: str, columnar: bool) -> ParsedExport:
    lines = physical_lines(text)
    total = len(lines)
    family = infer_family(lines)
    if family is None:
        return _unknown(lines)
    pattern = _pattern(family)
    found = None
    if columnar:
        found = find_headers(lines, family)
        starts = found.heads.get_column("i").to_list()
        dates = found.heads.get_column("date")
        date_texts = dates.filter(dates.ne_missing(dates.shift(1))).to_list()  # same decision
    else:
        heads = list(map(pattern.match, lines))
        starts = [i for i, m in enumerate(heads) if m is not None]
        date_texts = [heads[i]["date"] for i in starts]  # type: ignore[index]
    if not starts:
        return _unknown(lines)

    first = pattern.match(lines[starts[0]])
    order, ambiguous = decide_date_order(family, date_texts, first["time"])  # type: ignore[index]
    quarantined = [
        QuarantinedRecord(i + 1, 1, lines[i], f"line {i + 1}: text before the first message header")
        for i in range(starts[0])
    ]
    reader = StampReader(family, order)
    if found is not None:
        frame, left = columnar_records(found, family, reader.ymd, reader.hms)
        spans = left.rows()
    else:
        frame, spans = _frame([]), list(zip(starts, [*starts[1:], total], strict=True))
    messages = []
    for i, j in spans:
        record = _record(lines, i, j, pattern.match(lines[i]), reader)  # type: ignore[arg-type]
        if isinstance(record, QuarantinedRecord):
            quarantined.append(record)
        else:
            messages.append(record)
    if messages:
        frame = pl.concat([frame, _frame(messages)]).sort("line_number")
    quarantined.sort(key=attrgetter("line_number"))
    first_date = first["date"]  # type: ignore[index]
    four_digit = family.year_first or len(first_date.split(family.sep)[-1]) == 4
    return ParsedExport(
        layout=family.name(order),
        date_order=order,
        date_order_ambiguous=ambiguous,
        frame=frame,
        quarantined=quarantined,
        total_lines=total,
        line_start=family.template(order, four_digit),
    )


def _unknown(lines: list[str]) -> ParsedExport:
    reason = "no WhatsApp message header found in the file; is this a chat export?"
    quarantined = [QuarantinedRecord(i + 1, 1, line, f"line {i + 1}: {reason}")
                   for i, line in enumerate(lines)]
    return ParsedExport("unknown", "DMY", True, _frame([]), quarantined, len(lines))


_FIELDS = attrgetter(*MESSAGE_SCHEMA)


def _frame(messages: list[ParsedMessage]) -> pl.DataFrame:
    return pl.DataFrame([_FIELDS(m) for m in messages], schema=MESSAGE_SCHEMA, orient="row")


def _record(
    lines: list[str], i: int, j: int, m: re.Match[str], reader: StampReader
) -> ParsedMessage | QuarantinedRecord:
    """The message of header line ``i`` and its continuation lines up to ``j`` (exclusive)."""
    line = lines[i]
    ymd, hms = reader.ymd(m["date"]), reader.hms(m["time"])
    raw = line if j == i + 1 else "\n".join(lines[i:j])
    if ymd is None or hms is None:
        reason = f"{line_span(i + 1, j - i)}: {_INVALID_STAMP.format(reader.order)}"
        return QuarantinedRecord(i + 1, j - i, raw, reason)
    ts = datetime(*ymd, *hms)
    stamp = m["stamp"]

    rest = line[m.end():]
    sender: str | None = None
    colon = rest.find(": ")  # the sender ends at the first ": " of the header line
    if colon > 0:
        prefix = rest[:colon]
        if not (_QUOTE.search(prefix) and _QUOTED_SYSTEM.search(prefix)):
            sender = _clean(prefix).strip() or None
    elif rest.endswith(":") and ":" not in rest[:-1]:  # sender with an empty body
        sender, colon = _clean(rest[:-1]).strip() or None, len(rest) - 1
    if j > i + 1:
        rest = "\n".join([rest, *lines[i + 1:j]])

    if sender is None:
        body = _clean(rest).strip()
        event = system_event(body) or "other"
        mtype = "call" if event == "missed_call" else "system"
        return _message(i + 1, j - i, raw, ts, None, body, "system", None, None,
                        False, False, mtype, event, stamp)

    body_raw = rest[colon + 2:]
    mtype, body, media_kind, attachment, deleted, edited = classify_message(_clean(body_raw))
    if mtype == "text" and body_raw.startswith("\u200e"):
        # iOS writes system events as a line "from" the chat, body prefixed with U+200E.
        event = system_event(body)
        if event is not None:
            return _message(i + 1, j - i, raw, ts, None, body.strip(), "system",
                            None, None, False, edited, "system", event, stamp)
    return _message(i + 1, j - i, raw, ts, sender, body, "message", media_kind,
                    attachment, deleted, edited, mtype, None, stamp)


def read_export(path: Path) -> ParsedExport:
    """Read, decode and parse one export file; unreadable files raise ExportReadError."""
    text, encoding = read_text(path)
    parsed = parse_export(text)
    parsed.encoding = encoding
    return parsed
