"""Recompute the per-file hash chains of bronze and name the first record that breaks one.

Within one source file, records are chained in file order (see ``pipelines.ingest.bronze``):
``record_sha256 = sha256(raw)`` and ``chain_sha256 = sha256(previous chain + record_sha256)``,
the first previous value being the file's sha256. Changing any byte of a stored record, the
order of records, or removing one breaks the chain at that point; removing the last records is
caught by comparing the count per file with the ingest manifest. Problems name table, file
sha256 and position only, never record content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

from pipelines import lake
from pipelines.ingest.bronze_loader import CHAINED_TABLES, MANIFEST

_COLUMNS = ("file_sha256", "raw", "record_sha256", "chain_sha256")


@dataclass(frozen=True)
class ChainBreak:
    table: str
    file_sha256: str
    line_number: int | None  # None when the record is missing altogether
    item_index: int | None  # position inside a delivery (Cloud API), else None
    problem: str

    def describe(self) -> str:
        where = "" if self.line_number is None else f", line {self.line_number}"
        if self.item_index is not None:
            where += f", item {self.item_index}"
        return f"{self.table}: file sha256 {self.file_sha256}{where}: {self.problem}"


@dataclass
class TableVerification:
    table: str
    files: int = 0
    records: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify_rows(table: str, rows: pl.DataFrame, order: Sequence[str]) -> list[ChainBreak]:
    """First break of every file in ``rows`` (columns: file_sha256, ``order``, raw and hashes)."""
    item = "item_index" if "item_index" in order else None
    ordered = rows.sort(["file_sha256", *order])
    columns = [*_COLUMNS, "line_number", *([item] if item else [])]
    breaks: list[ChainBreak] = []
    current, previous, broken = None, "", False
    for values in ordered.select(columns).iter_rows():
        sha, raw, record, chain, line = values[:5]
        index = values[5] if item else None
        if sha != current:
            current, previous, broken = sha, sha, False
        if broken:
            continue
        problem = None
        if raw is None:
            problem = "raw record is missing"
        elif _sha256(raw) != record:
            problem = "the stored raw record differs from its record_sha256 (record changed)"
        elif _sha256(previous + record) != chain:
            problem = (
                "chain_sha256 does not follow from the previous record: a record before it "
                "was removed, reordered or changed"
            )
        if problem:
            breaks.append(ChainBreak(table, sha, line, index, problem))
            broken = True
            continue
        previous = chain
    return breaks


def _missing_tail(
    tables: Sequence[str], stored: pl.DataFrame, manifest: pl.DataFrame
) -> list[ChainBreak]:
    """Files whose stored record count differs from the manifest's parsed_records."""
    joined = (
        manifest.join(stored, on="file_sha256", how="full", coalesce=True)
        .with_columns(pl.col("stored", "parsed_records").fill_null(0))
        .filter(pl.col("stored") != pl.col("parsed_records"))
        .sort("file_sha256")
    )
    name = " + ".join(tables)
    breaks = []
    for sha, expected, found, last in joined.select(
        "file_sha256", "parsed_records", "stored", "last_line"
    ).iter_rows():
        if expected == 0 and found:
            problem = f"{found} records of a file the ingest manifest does not list"
        else:
            after = f" after line {last}" if last is not None else ""
            problem = (
                f"holds {found} records but the ingest manifest recorded {expected}: "
                f"records{after} were removed or added"
            )
        breaks.append(ChainBreak(name, sha, None, None, problem))
    return breaks


def _counts(rows: pl.LazyFrame) -> pl.DataFrame:
    return (
        rows.group_by("file_sha256")
        .agg(stored=pl.len().cast(pl.Int64), last_line=pl.col("line_number").max())
        .collect()
    )


def verify_tables(
    tables: Iterable[str] | None = None, base: str | None = None
) -> list[TableVerification]:
    """Verify the given bronze tables (default: every chained table)."""
    wanted = list(CHAINED_TABLES) if tables is None else list(dict.fromkeys(tables))
    unknown = [t for t in wanted if t not in CHAINED_TABLES]
    if unknown:
        raise ValueError(
            f"no hash chain in {', '.join(unknown)}; chained tables: {', '.join(CHAINED_TABLES)}"
        )
    results: dict[str, TableVerification] = {}
    counts: dict[str, pl.DataFrame] = {}
    for table in wanted:
        results[table] = TableVerification(table)
        if not lake.table_exists(table, base):
            continue
        order = CHAINED_TABLES[table][1]
        rows = lake.scan_table(table, base).select(*_COLUMNS, *order).collect()
        results[table].files = rows["file_sha256"].n_unique()
        results[table].records = rows.height
        results[table].breaks = verify_rows(table, rows, order)
        counts[table] = _counts(rows.lazy())
    if not lake.table_exists(MANIFEST, base):
        return list(results.values())
    manifest = lake.read_table(
        MANIFEST, base, columns=["file_sha256", "source_kind", "parsed_records"]
    )
    for kind in dict.fromkeys(CHAINED_TABLES[t][0] for t in wanted):
        siblings = [t for t, (k, _) in CHAINED_TABLES.items() if k == kind]
        frames = [
            counts[t] if t in counts else _counts(lake.scan_table(t, base))
            for t in siblings
            if t in counts or lake.table_exists(t, base)
        ]
        schema = {"file_sha256": pl.Utf8, "stored": pl.Int64, "last_line": pl.Int64}
        stored = (
            pl.concat([pl.DataFrame(schema=schema), *(f.cast(schema) for f in frames)])
            .group_by("file_sha256")
            .agg(pl.col("stored").sum(), pl.col("last_line").max())
        )
        expected = manifest.filter(pl.col("source_kind") == kind).drop("source_kind")
        first = next(t for t in wanted if CHAINED_TABLES[t][0] == kind)
        results[first].breaks.extend(_missing_tail(siblings, stored, expected))
    return list(results.values())
