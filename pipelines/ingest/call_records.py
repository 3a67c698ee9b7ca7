"""Parser for Asterisk ``cdr-csv`` call detail records (``Master.csv``).

Columns are decided by their count, as cdr_csv writes them: 16 standard fields, then ``uniqueid``
(17, ``loguniqueid``), ``userfield`` (18, ``loguserfield``), and ``peeraccount``, ``linkedid``,
``sequence`` (21, ``newcdrcolumns``). An optional header row naming the fields is counted in
``header_lines`` and, when it names the standard fields, decides their positions instead.
Each physical line is one row: records + quarantined + header_lines == total_lines.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipelines.ingest.quarantine import QuarantinedRecord
from pipelines.ingest.text_lines import physical_lines, read_text

BASE_FIELDS = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
)
LAYOUTS: dict[int, tuple[str, ...]] = {
    16: BASE_FIELDS,
    17: (*BASE_FIELDS, "uniqueid"),
    18: (*BASE_FIELDS, "uniqueid", "userfield"),
    21: (*BASE_FIELDS, "uniqueid", "userfield", "peeraccount", "linkedid", "sequence"),
}
DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION")
# Other spellings and FreeSWITCH hangup causes -> Asterisk dispositions.
_DISPOSITION_ALIASES = {
    "NOANSWER": "NO ANSWER", "NO_ANSWER": "NO ANSWER", "NULL": "NO ANSWER",
    "NORMAL_CLEARING": "ANSWERED", "SUCCESS": "ANSWERED",
    "USER_BUSY": "BUSY", "CALL_REJECTED": "BUSY",
    "NO_USER_RESPONSE": "NO ANSWER", "ORIGINATOR_CANCEL": "NO ANSWER",
    "ALLOTTED_TIMEOUT": "NO ANSWER", "RECOVERY_ON_TIMER_EXPIRE": "NO ANSWER",
    "NORMAL_CIRCUIT_CONGESTION": "CONGESTION", "SWITCH_CONGESTION": "CONGESTION",
    "UNALLOCATED_NUMBER": "FAILED", "NO_ROUTE_DESTINATION": "FAILED",
    "NORMAL_TEMPORARY_FAILURE": "FAILED", "DESTINATION_OUT_OF_ORDER": "FAILED",
    "INVALID_NUMBER_FORMAT": "FAILED", "NETWORK_OUT_OF_ORDER": "FAILED",
    "INCOMPATIBLE_DESTINATION": "FAILED", "MEDIA_TIMEOUT": "FAILED",
    "LOSE_RACE": "NO ANSWER", "PICKED_OFF": "NO ANSWER", "NO_PICKUP": "NO ANSWER",
    "ATTENDED_TRANSFER": "ANSWERED", "BLIND_TRANSFER": "ANSWERED",
    "SUBSCRIBER_ABSENT": "FAILED", "EXCHANGE_ROUTING_ERROR": "FAILED",
    "NORMAL_UNSPECIFIED": "ANSWERED", "REQUESTED_CHAN_UNAVAIL": "CONGESTION",
}
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_ ]*")
_COUNTS = ", ".join(str(n) for n in LAYOUTS)
_KNOWN_FIELDS = frozenset(LAYOUTS[21]) | {"calldate", "call_date", "answer_time", "end_time"}


@dataclass(frozen=True)
class CallRecord:
    line_number: int
    raw: str
    accountcode: str
    src: str
    dst: str
    dcontext: str
    clid: str
    channel: str
    dstchannel: str
    lastapp: str
    lastdata: str
    start: datetime  # naive local time as written
    answer: datetime | None  # None when the call was not answered
    end: datetime
    duration: int
    billsec: int
    disposition: str  # ANSWERED | NO ANSWER | BUSY | FAILED | CONGESTION
    amaflags: str
    uniqueid: str
    userfield: str
    peeraccount: str = ""
    linkedid: str = ""  # groups the rows of one call (21-column layout)
    sequence: int | None = None
    disposition_raw: str = ""  # as written, e.g. a FreeSWITCH hangup cause
    column_count: int = 18


@dataclass
class ParsedCalls:
    records: list[CallRecord]
    quarantined: list[QuarantinedRecord]
    total_lines: int  # physical lines: records + quarantined + header_lines
    header_lines: int = 0
    encoding: str | None = None  # set by read_asterisk_cdr
    layout: str = "asterisk-cdr-csv"
    column_counts: dict[int, int] = field(default_factory=dict)  # columns -> records


def normalise_disposition(value: str) -> str | None:
    """Asterisk disposition (or FreeSWITCH hangup cause) -> one of DISPOSITIONS, else None."""
    key = value.strip().upper()
    if key in DISPOSITIONS:
        return key
    return _DISPOSITION_ALIASES.get(key.replace(" ", "_")) or _DISPOSITION_ALIASES.get(key)


class BadCallField(Exception):
    """A field of a call record is missing or malformed (names the field, never its value)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"field '{name}' {problem}")


def _time(row: dict[str, str], name: str, required: bool = True) -> datetime | None:
    value = row[name].strip()
    if not value and not required:
        return None
    if not _TIME.fullmatch(value):
        raise BadCallField(name, "is not a time like YYYY-MM-DD HH:MM:SS")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise BadCallField(name, "is not a valid date and time") from None


def _count(row: dict[str, str], name: str) -> int:
    value = row[name].strip()
    if not value.isascii() or not value.isdigit():
        raise BadCallField(name, "is not a whole number of seconds")
    return int(value)


def call_record(line_number: int, raw: str, row: dict[str, str], columns: int) -> CallRecord:
    """A CallRecord from ``row`` (Asterisk field names -> text); raises BadCallField."""
    disposition = normalise_disposition(row["disposition"])
    if disposition is None:
        raise BadCallField("disposition", f"is not one of {', '.join(DISPOSITIONS)}")
    sequence = row.get("sequence", "").strip()
    if sequence and not (sequence.isascii() and sequence.isdigit()):
        raise BadCallField("sequence", "is not a whole number")
    start = _time(row, "start")
    answer = _time(row, "answer", required=False)
    end = _time(row, "end")
    return CallRecord(
        line_number=line_number, raw=raw,
        accountcode=row["accountcode"], src=row["src"], dst=row["dst"],
        dcontext=row["dcontext"], clid=row["clid"], channel=row["channel"],
        dstchannel=row["dstchannel"], lastapp=row["lastapp"], lastdata=row["lastdata"],
        start=start, answer=answer, end=end,  # type: ignore[arg-type]
        duration=_count(row, "duration"), billsec=_count(row, "billsec"),
        disposition=disposition, amaflags=row["amaflags"],
        uniqueid=row.get("uniqueid", ""), userfield=row.get("userfield", ""),
        peeraccount=row.get("peeraccount", ""), linkedid=row.get("linkedid", ""),
        sequence=int(sequence) if sequence else None,
        disposition_raw=row["disposition"], column_count=columns,
    )


def _header(values: list[str]) -> dict[str, int] | None:
    """For a header row: field positions when it names every standard field, else {}.

    None when ``values`` is not a header (a header names at least three known CDR fields and
    holds nothing but field-name-like words).
    """
    names = [v.strip().lower() for v in values]
    if sum(name in _KNOWN_FIELDS for name in names) < 3:
        return None
    if not all(_FIELD_NAME.fullmatch(name) for name in names):
        return None
    positions = {name: i for i, name in enumerate(names)}
    return positions if set(BASE_FIELDS) <= positions.keys() else {}


def split_row(line: str) -> list[str] | None:
    """One CSV row from one physical line; None when a quote is left open."""
    try:
        return next(csv.reader([line], strict=True), [])
    except csv.Error:
        return None


def parse_asterisk_cdr(text: str) -> ParsedCalls:
    """Parse the text of an Asterisk cdr-csv file. Never raises on content."""
    lines = physical_lines(text)
    records: list[CallRecord] = []
    quarantined: list[QuarantinedRecord] = []
    header_lines = 0
    named: dict[str, int] = {}  # positions from a header row naming the fields
    named_width = 0
    counts: Counter[int] = Counter()
    for index, line in enumerate(lines):
        number = index + 1
        values = split_row(line) if line.strip() else []
        if not values:
            problem = "is empty" if values is not None else "cannot be read as CSV (open quote?)"
            quarantined.append(QuarantinedRecord(number, 1, line, f"line {number} {problem}"))
            continue
        if not _TIME.fullmatch(values[9].strip() if len(values) > 9 else ""):
            header = _header(values)
            if header is not None:
                header_lines += 1
                named, named_width = header, len(values)
                continue
        if named and len(values) == named_width:
            row = {name: values[i] for name, i in named.items()}
        elif len(values) in LAYOUTS:
            row = dict(zip(LAYOUTS[len(values)], values, strict=True))
        else:
            reason = (
                f"line {number}: {len(values)} columns; Asterisk cdr-csv has {_COUNTS} (a file "
                f"of another layout goes in calls/<mapping>/, see data_contracts/mappings)"
            )
            quarantined.append(QuarantinedRecord(number, 1, line, reason))
            continue
        try:
            records.append(call_record(number, line, row, len(values)))
        except BadCallField as exc:
            quarantined.append(QuarantinedRecord(number, 1, line, f"line {number}: {exc}"))
            continue
        counts[len(values)] += 1
    return ParsedCalls(records, quarantined, len(lines), header_lines,
                       column_counts=dict(sorted(counts.items())))


def read_asterisk_cdr(path: Path) -> ParsedCalls:
    """Read, decode and parse a cdr-csv file; unreadable files raise ExportReadError."""
    text, encoding = read_text(path)
    parsed = parse_asterisk_cdr(text)
    parsed.encoding = encoding
    return parsed
