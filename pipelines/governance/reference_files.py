"""Reading the governance reference files of ``<landing>/reference/`` (consents, do-not-call).

Each file is a CSV with a header (comma or semicolon separated, UTF-8 with or without BOM). A
row that cannot be used is rejected, never dropped silently: it becomes a row of
``silver.reference_rejects`` naming the file, the line, the field and the rule broken, and
never the value (it may be a phone number). Loaded + rejected = data rows of the file, always.
A file that cannot be read at all, or lacks a required column, stops the load with a
:class:`~pipelines.conform.directory.ReferenceDataError` naming the file and the header needed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.conform.directory import ReferenceDataError
from pipelines.ingest.landing import file_sha256

REJECTS_SCHEMA = {
    "source_file": pl.Utf8,
    "file_sha256": pl.Utf8,
    "kind": pl.Utf8,  # consents | do_not_call
    "line_number": pl.Int64,
    "field": pl.Utf8,
    "reason": pl.Utf8,
    "loaded_at": pl.Datetime("us", "UTC"),  # when the load that found it ran
}
MAX_FIELD_CHARS = 200
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_DIGIT_RUNS = re.compile(r"\d+")
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")


class RowError(ValueError):
    """One field of one row is unusable; ``field`` names it, the message says the rule."""

    def __init__(self, field: str, rule: str):
        super().__init__(rule)
        self.field, self.rule = field, rule


@dataclass(frozen=True)
class Reject:
    source_file: str
    file_sha256: str
    kind: str
    line_number: int
    field: str
    reason: str  # "<file>, line <n>: <field>: <rule>; <what to do>" (no value)


@dataclass(frozen=True)
class CsvRow:
    source_file: str  # relative to the landing folder
    file_sha256: str
    line_number: int  # physical line where the record starts (the header is line 1)
    values: Mapping[str, str]  # canonical column name -> stripped value


@dataclass
class LedgerLoad:
    """What a load of reference files gave: the rows, the rejects and the per-file counts."""

    frame: pl.DataFrame
    rejects: list[Reject] = field(default_factory=list)
    files: dict[str, dict[str, int]] = field(default_factory=dict)  # file -> rows/loaded/rejected

    @property
    def checked(self) -> bool:
        """False when no file was found: nothing can be checked against this ledger."""
        return bool(self.files)


def load_files(
    reference_dir: Path,
    patterns: Sequence[str],
    kind: str,
    columns: Mapping[str, Sequence[str]],
    required: Sequence[str],
    parse: Callable[[CsvRow], dict],
    schema: Mapping[str, pl.DataType],
) -> LedgerLoad:
    """Every row of the files matching ``patterns``, through ``parse`` (which raises
    :class:`RowError` for a row to reject), with provenance columns added."""
    rows: list[dict] = []
    load = LedgerLoad(pl.DataFrame(schema=schema))
    for path in reference_files(reference_dir, patterns):
        relative = f"{reference_dir.name}/{path.relative_to(reference_dir).as_posix()}"
        counts = {"rows": 0, "loaded": 0, "rejected": 0}
        for row in read_rows(path, relative, columns, required):
            counts["rows"] += 1
            try:
                parsed = parse(row)
            except RowError as error:
                load.rejects.append(reject(row, kind, error))
                counts["rejected"] += 1
                continue
            rows.append({**parsed, "source_file": row.source_file, "line_number": row.line_number})
            counts["loaded"] += 1
        load.files[relative] = counts
    if rows:
        load.frame = pl.DataFrame(rows, schema=schema)
    return load


def reference_files(reference_dir: Path, patterns: Sequence[str]) -> list[Path]:
    """Files of ``reference_dir`` matching any of ``patterns``, in name order."""
    if not reference_dir.is_dir():
        return []
    found = {p for pattern in patterns for p in reference_dir.glob(pattern) if p.is_file()}
    return sorted(p for p in found if not p.name.startswith("."))


def read_rows(
    path: Path,
    relative: str,
    columns: Mapping[str, Sequence[str]],
    required: Sequence[str],
) -> Iterator[CsvRow]:
    """Rows of one CSV file, with header names mapped to canonical ones through ``columns``
    (canonical name -> accepted spellings, compared case-insensitively)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(
            f"{relative}: not a readable UTF-8 text file ({type(exc).__name__}); save it as "
            "UTF-8 CSV"
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return
    spelled = {s.casefold(): name for name, spellings in columns.items() for s in spellings}
    position = {}
    for i, title in enumerate(header):
        name = spelled.get(title.strip().casefold())
        if name is not None and name not in position:
            position[name] = i
    missing = [name for name in required if name not in position]
    if missing:
        expected = delimiter.join(columns)
        raise ReferenceDataError(
            f"{relative}: line 1: missing column(s) {', '.join(missing)}; expected a header "
            f"like {expected}"
        )
    sha = file_sha256(path)
    last_line = reader.line_num
    for record in reader:
        start, last_line = last_line + 1, reader.line_num
        if not any(field.strip() for field in record):
            continue  # blank line
        values = {
            name: (record[i].strip() if i < len(record) else "") for name, i in position.items()
        }
        yield CsvRow(relative, sha, start, values)


def reject(row: CsvRow, kind: str, error: RowError) -> Reject:
    return Reject(
        row.source_file,
        row.file_sha256,
        kind,
        row.line_number,
        error.field,
        f"{row.source_file}, line {row.line_number}: {error.field}: {error.rule}; fix the row "
        "in the file (or remove it) and run the pipeline again",
    )


def rejects_frame(rejects: Sequence[Reject], loaded_at: datetime) -> pl.DataFrame:
    columns = {name: [getattr(r, name) for r in rejects] for name in list(REJECTS_SCHEMA)[:-1]}
    return pl.DataFrame({**columns, "loaded_at": [loaded_at] * len(rejects)}, schema=REJECTS_SCHEMA)


def required_value(row: CsvRow, field: str) -> str:
    value = row.values.get(field, "")
    if not value:
        raise RowError(field, "is empty")
    if len(value) > MAX_FIELD_CHARS:
        raise RowError(field, f"is longer than {MAX_FIELD_CHARS} characters")
    return value


def one_of(row: CsvRow, field: str, allowed: Sequence[str], default: str | None = None) -> str:
    value = row.values.get(field, "").casefold()
    if not value and default is not None:
        return default
    if value not in allowed:
        raise RowError(field, f"must be one of {', '.join(allowed)}")
    return value


def parse_day(value: str, field: str) -> date:
    """A date as ISO (2026-07-26), Brazilian/French (26/07/2026) or an ISO date-time."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise RowError(field, "is not a date (use YYYY-MM-DD or DD/MM/YYYY)") from None


def parse_instant(value: str, field: str, timezone: str) -> datetime:
    """An aware instant: ISO 8601 with offset as written; without an offset (or a bare date,
    taken as midnight) it is local time in ``timezone``."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
        for fmt in _TIME_FORMATS:
            try:
                moment = datetime.strptime(value, fmt)
                break
            except ValueError:
                pass
        if moment is None:
            try:
                day = parse_day(value, field)
            except RowError:
                raise RowError(
                    field, "is not a date-time (use ISO 8601, e.g. 2026-07-26T14:30:00-03:00)"
                ) from None
            moment = datetime(day.year, day.month, day.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment


def label(row: CsvRow, field: str, default: str | None = None) -> str | None:
    """A short free-text label (source of a consent, list of a number): kept only when it
    cannot be personal data (no e-mail, no long digit run), lower-cased."""
    value = row.values.get(field, "")
    if not value:
        return default
    digits = max((len(run) for run in _DIGIT_RUNS.findall(value)), default=0)
    if "@" in value or digits >= 6 or len(value) > 60:
        raise RowError(
            field,
            "looks like personal data (an e-mail, a number or a long text): use a short label "
            "such as contrato or nao_me_perturbe",
        )
    return value.casefold()
