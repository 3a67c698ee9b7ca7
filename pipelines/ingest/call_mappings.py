"""Call-record CSVs of any layout, read through a column mapping declared in YAML.

A mapping (``data_contracts/mappings/<name>.yaml``) lists the file's ``columns`` in order (or
says ``header: true`` and lets the first line name them) and maps call-record ``fields`` to
columns; a field may name several columns, the first non-empty one wins. Files in
``<landing>/calls/<name>/`` are read with mapping ``<name>``. Asterisk ``cdr_custom`` and
FreeSWITCH ``mod_cdr_csv`` ship as mappings. Dispositions and FreeSWITCH hangup causes are
normalised; a call "answered" without an answer time counts as NO ANSWER.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path

import yaml

import data_contracts
from pipelines.ingest.call_records import (
    BASE_FIELDS,
    BadCallField,
    CallRecord,
    ParsedCalls,
    call_record,
    split_row,
)
from pipelines.ingest.quarantine import QuarantinedRecord
from pipelines.ingest.text_lines import physical_lines, read_text

MAPPINGS_DIR = Path(data_contracts.__file__).parent / "mappings"
FIELDS = (*BASE_FIELDS, "uniqueid", "userfield", "peeraccount", "linkedid", "sequence")
REQUIRED = ("start", "end", "disposition")
_ISO = "%Y-%m-%d %H:%M:%S"


class MappingError(Exception):
    """A mapping file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class CallMapping:
    name: str
    columns: tuple[str, ...]  # empty when the header row names them
    fields: dict[str, tuple[str, ...]]  # call field -> candidate columns, first non-empty wins
    header: bool = False
    time_format: str = _ISO
    description: str = ""


def load_mapping(path: Path) -> CallMapping:
    """Read and validate one mapping file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot be read as YAML ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise MappingError(f"{path}: expected a mapping with 'columns' and 'fields'")
    columns = tuple(str(c).strip().lower() for c in data.get("columns") or ())
    header = bool(data.get("header", False))
    if not columns and not header:
        raise MappingError(f"{path}: 'columns' is empty; list the columns or set 'header: true'")
    if len(set(columns)) != len(columns):
        raise MappingError(f"{path}: 'columns' names a column twice")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, dict):
        raise MappingError(f"{path}: 'fields' must map call fields to columns")
    fields: dict[str, tuple[str, ...]] = {}
    for target, source in raw_fields.items():
        if target not in FIELDS:
            raise MappingError(f"{path}: fields.{target} is not a call field ({', '.join(FIELDS)})")
        sources = tuple(
            str(s).strip().lower() for s in (source if isinstance(source, list) else [source])
        )
        unknown = [s for s in sources if columns and s not in columns]
        if not sources or unknown:
            raise MappingError(f"{path}: fields.{target} names no declared column {unknown}")
        fields[target] = sources
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise MappingError(f"{path}: fields {', '.join(missing)} are required")
    return CallMapping(
        path.stem,
        columns,
        fields,
        header,
        str(data.get("time_format") or _ISO),
        str(data.get("description") or ""),
    )


@cache
def available_mappings(folder: Path = MAPPINGS_DIR) -> dict[str, CallMapping]:
    """Every mapping in ``folder`` by name (the file stem)."""
    return {p.stem: load_mapping(p) for p in sorted(folder.glob("*.yaml"))}


def mapping_for(relative: str, folder: Path = MAPPINGS_DIR) -> CallMapping | None:
    """The mapping of a landing file ``calls/<name>/…``, None for plain cdr-csv files."""
    parts = relative.split("/")
    if len(parts) < 3 or parts[0] != "calls":
        return None
    return available_mappings(folder).get(parts[1])


def _time(value: str, name: str, fmt: str) -> str:
    value = value.strip()
    if not value or fmt == _ISO:
        return value
    try:
        return datetime.strptime(value, fmt).strftime(_ISO)
    except ValueError:
        raise BadCallField(name, f"does not match the mapping's time_format {fmt}") from None


def _seconds(later: str, earlier: str) -> str:
    try:
        delta = datetime.fromisoformat(later) - datetime.fromisoformat(earlier)
    except ValueError:
        return ""  # the record check reports the bad time
    return str(max(int(delta.total_seconds()), 0))


def _row(values: list[str], positions: dict[str, int], mapping: CallMapping) -> dict[str, str]:
    row = dict.fromkeys(FIELDS, "")
    for target, sources in mapping.fields.items():
        row[target] = next((values[positions[s]] for s in sources if values[positions[s]]), "")
    for name in ("start", "answer", "end"):
        row[name] = _time(row[name], name, mapping.time_format)
    if "duration" not in mapping.fields:
        row["duration"] = _seconds(row["end"], row["start"])
    if "billsec" not in mapping.fields:
        row["billsec"] = _seconds(row["end"], row["answer"]) if row["answer"] else "0"
    return row


def parse_mapped_calls(text: str, mapping: CallMapping) -> ParsedCalls:
    """Parse a call CSV with ``mapping``. Never raises on content; one record per line."""
    lines = physical_lines(text)
    records: list[CallRecord] = []
    quarantined: list[QuarantinedRecord] = []
    positions = {c: i for i, c in enumerate(mapping.columns)}
    width = len(mapping.columns)
    header_lines = 0
    counts: Counter[int] = Counter()
    for number, line in enumerate(lines, start=1):
        values = split_row(line) if line.strip() else []
        if not values:
            problem = "is empty" if values is not None else "cannot be read as CSV (open quote?)"
            quarantined.append(QuarantinedRecord(number, 1, line, f"line {number} {problem}"))
            continue
        names = [v.strip().lower() for v in values]
        if (
            not records
            and not header_lines
            and ((mapping.header and not mapping.columns) or names == list(mapping.columns))
        ):
            header_lines, positions, width = 1, {n: i for i, n in enumerate(names)}, len(names)
            continue
        absent = [s for ss in mapping.fields.values() for s in ss if s not in positions]
        if len(values) != width or absent:
            reason = f"line {number}: {len(values)} columns; mapping {mapping.name} expects {width}"
            if absent:
                reason = f"line {number}: no column {absent[0]} (mapping {mapping.name})"
            quarantined.append(QuarantinedRecord(number, 1, line, reason))
            continue
        try:
            record = call_record(number, line, _row(values, positions, mapping), len(values))
        except BadCallField as exc:
            quarantined.append(QuarantinedRecord(number, 1, line, f"line {number}: {exc}"))
            continue
        if record.disposition == "ANSWERED" and record.answer is None:
            record = replace(record, disposition="NO ANSWER")
        records.append(record)
        counts[len(values)] += 1
    return ParsedCalls(
        records,
        quarantined,
        len(lines),
        header_lines,
        layout=mapping.name,
        column_counts=dict(counts),
    )


def read_mapped_calls(path: Path, mapping: CallMapping) -> ParsedCalls:
    """Read, decode and parse a mapped call CSV; unreadable files raise ExportReadError."""
    text, encoding = read_text(path)
    parsed = parse_mapped_calls(text, mapping)
    parsed.encoding = encoding
    return parsed
