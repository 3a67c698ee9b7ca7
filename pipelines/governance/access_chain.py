"""Hash chain of audit.access_log: how rows are chained on append and how `vigia verify` checks it.

Every row gets a ``sequence`` (1, 2, 3, … in append order), ``record_sha256`` = sha256 of a
canonical JSON of its fields (``sequence`` then the event columns, in a fixed order) and
``chain_sha256`` = sha256(previous row's chain + record_sha256), the first previous value being
``GENESIS``. Changing any field of a row, renumbering rows or removing one breaks the chain at that
row; verification names its sequence only, never row content.

Limits, by design:
- Appends read the last sequence and chain, then write; a Delta append is atomic but two writers
  appending at the same moment can both chain from the same last row. There is no lock: the
  verifier reports it as a duplicated sequence (two writers appended at once) so the DPO can tell
  it from tampering.
- Removing the *last* rows leaves a valid, shorter chain; only an outside copy of the last chain
  value (or the Delta history, which records every rewrite) proves the tail intact.
- Rows erased on purpose (retention) must be accounted for by ``anchors``: for the first kept row
  after a gap, the first erased sequence and the chain value it follows from (as bronze does with
  audit.erasure_log); any other removal still breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

GENESIS = "vigia:audit.access_log:genesis:v1"
CHAIN_SCHEMA = {"sequence": pl.Int64, "record_sha256": pl.Utf8, "chain_sha256": pl.Utf8}


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical_value(value: object) -> object:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def record_sha256(row: Mapping[str, object], fields: Sequence[str]) -> str:
    """sha256 of the JSON object of ``fields`` (in that order) with the row's values; datetimes
    as UTC ISO 8601 with microseconds."""
    body = {name: _canonical_value(row.get(name)) for name in fields}
    return _sha256(json.dumps(body, ensure_ascii=False, separators=(",", ":")))


def chain_rows(
    frame: pl.DataFrame, fields: Sequence[str], last_sequence: int, last_chain: str | None
) -> pl.DataFrame:
    """``frame`` with sequence, record_sha256 and chain_sha256, continuing after the last stored
    row (``last_sequence`` 0 and ``last_chain`` None for an empty log)."""
    hashed = ["sequence", *(f for f in fields if f != "sequence")]
    numbered = frame.with_columns(
        sequence=pl.int_range(1, frame.height + 1, dtype=pl.Int64) + last_sequence
    )
    records, chains, previous = [], [], last_chain or GENESIS
    for row in numbered.iter_rows(named=True):
        record = record_sha256(row, hashed)
        previous = _sha256(previous + record)
        records.append(record)
        chains.append(previous)
    return numbered.with_columns(
        record_sha256=pl.Series(records, dtype=pl.Utf8),
        chain_sha256=pl.Series(chains, dtype=pl.Utf8),
    )


@dataclass(frozen=True)
class AccessLogBreak:
    sequence: int | None
    problem: str

    def describe(self, table: str = "audit.access_log") -> str:
        where = "" if self.sequence is None else f" sequence {self.sequence}"
        return f"{table}:{where}: {self.problem}"


@dataclass
class AccessLogVerification:
    table: str
    rows: int = 0
    breaks: list[AccessLogBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def _duplicates(frame: pl.DataFrame) -> list[AccessLogBreak]:
    counted = frame.group_by("sequence").len().filter(pl.col("len") > 1).sort("sequence")
    return [
        AccessLogBreak(
            sequence,
            f"{count} rows share this sequence: two writers appended at the same time, or a row "
            "was copied; check the Delta history of the table",
        )
        for sequence, count in counted.iter_rows()
    ]


Anchors = Mapping[int, tuple[int, str]]


def verify_chain(
    frame: pl.DataFrame, fields: Sequence[str], anchors: Anchors | None = None
) -> list[AccessLogBreak]:
    """Breaks of the chain in ``frame`` (all stored rows): duplicated sequences, then the first row
    whose hashes do not follow. ``anchors`` maps the sequence of a row that follows rows erased
    on purpose to (first erased sequence, chain value before the row)."""
    anchors = anchors or {}
    hashed = ["sequence", *(f for f in fields if f != "sequence")]
    missing = frame.filter(pl.any_horizontal(pl.col(c).is_null() for c in CHAIN_SCHEMA)).height
    if missing:
        return [
            AccessLogBreak(
                None,
                f"{missing} rows have no sequence or hashes: written around the chain "
                "(not by append_events) or edited",
            )
        ]
    breaks = _duplicates(frame)
    if breaks:
        return breaks
    previous, expected = GENESIS, 1
    for row in frame.sort("sequence").iter_rows(named=True):
        sequence = row["sequence"]
        first_erased, previous = anchors.get(sequence, (expected, previous))
        problem = _problem(row, hashed, previous)
        if first_erased != expected:
            problem = (
                f"rows from sequence {expected} are missing but the erasure log accounts for "
                f"rows from {first_erased} only (rows removed)"
            )
        elif problem and sequence != expected and sequence not in anchors:
            gap = f"{expected}" if sequence == expected + 1 else f"{expected}–{sequence - 1}"
            problem += f": sequence {gap} missing (rows removed)"
        elif problem and problem.startswith("chain"):
            problem += ": a row before it was removed, reordered or changed"
        if problem:
            return [AccessLogBreak(sequence, problem)]
        previous, expected = row["chain_sha256"], sequence + 1
    return []


def _problem(row: Mapping[str, object], hashed: Sequence[str], previous: str) -> str | None:
    if record_sha256(row, hashed) != row["record_sha256"]:
        return "the row differs from its record_sha256 (a field was changed)"
    if _sha256(previous + str(row["record_sha256"])) != row["chain_sha256"]:
        return "chain_sha256 does not follow from the previous row"
    return None


def erasure_anchors(rows: pl.DataFrame, removed: pl.Expr) -> dict[int, tuple[int, str]]:
    """For rows about to be erased on purpose (``removed`` true over all stored rows): the anchors
    ``verify_chain`` needs afterwards: ``{kept row after a gap: (first erased sequence, chain
    before the row)}``.
    Hashes and sequences only; retention must store them (e.g. in audit.erasure_log)."""
    marked = rows.sort("sequence").with_columns(_removed=removed)
    marked = marked.with_columns(
        _prev_removed=pl.col("_removed").shift(1).fill_null(False),
        _prev_chain=pl.col("chain_sha256").shift(1),
        _gap=pl.when(pl.col("_removed") & ~pl.col("_removed").shift(1).fill_null(False))
        .then(pl.col("sequence"))
        .forward_fill(),
    )
    marked = marked.with_columns(_first=pl.col("_gap").shift(1))
    kept_after_gap = marked.filter(~pl.col("_removed") & pl.col("_prev_removed"))
    return {
        sequence: (first, chain)
        for sequence, first, chain in kept_after_gap.select(
            "sequence", "_first", "_prev_chain"
        ).iter_rows()
    }
