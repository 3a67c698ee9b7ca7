"""Recompute the per-file hash chains of bronze and name the first record that breaks one.

Within one source file, records are chained in file order (see ``pipelines.ingest.bronze``):
``record_sha256 = sha256(raw)`` and ``chain_sha256 = sha256(previous chain + record_sha256)``,
the first previous value being the file's sha256. Changing any byte of a stored record, the
order of records, or removing one breaks the chain at that point; removing the last records is
caught by comparing the count per file with the ingest manifest. Problems name table, file
sha256 and position only, never record content.

Records removed on purpose (retention, erasure) are accounted for by ``audit.erasure_log``: it
holds, for each gap, the chain value the next kept record follows from (an *anchor*) and the
count removed per file, so the chains and counts of what remains still verify, and any other
removal still breaks them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from pipelines import lake
from pipelines.governance.bronze_erasure import erased_records
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


def verify_rows(
    table: str,
    rows: pl.DataFrame,
    order: Sequence[str],
    anchors: Mapping[tuple, str] | None = None,
) -> list[ChainBreak]:
    """First break of every file in ``rows`` (columns: file_sha256, ``order``, raw and hashes).

    ``anchors`` maps (table, file sha256, line, item) of a record that follows an erased gap to
    the chain value before it (from ``audit.erasure_log``)."""
    anchors = anchors or {}
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
        previous = anchors.get((table, sha, line, index), previous)
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
    tables: Sequence[str],
    stored: pl.DataFrame,
    manifest: pl.DataFrame,
    erased: Mapping[str, int] | None = None,
) -> list[ChainBreak]:
    """Files whose stored record count, plus the records erased on purpose, differs from the
    manifest's parsed_records."""
    erased_frame = pl.DataFrame(
        {"file_sha256": list((erased or {}).keys()), "erased": list((erased or {}).values())},
        schema={"file_sha256": pl.Utf8, "erased": pl.Int64},
    )
    joined = (
        manifest.join(stored, on="file_sha256", how="full", coalesce=True)
        .join(erased_frame, on="file_sha256", how="left")
        .with_columns(pl.col("stored", "parsed_records", "erased").fill_null(0))
        .filter(pl.col("stored") + pl.col("erased") != pl.col("parsed_records"))
        .sort("file_sha256")
    )
    name = " + ".join(tables)
    breaks = []
    for sha, expected, found, last, gone in joined.select(
        "file_sha256", "parsed_records", "stored", "last_line", "erased"
    ).iter_rows():
        if expected == 0 and found:
            problem = f"{found} records of a file the ingest manifest does not list"
        else:
            after = f" after line {last}" if last is not None else ""
            logged = f" ({gone} erased by retention or erasure, logged)" if gone else ""
            problem = (
                f"holds {found} records{logged} but the ingest manifest recorded {expected}: "
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
    anchors, removed = erased_records(base)
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
        results[table].breaks = verify_rows(table, rows, order, anchors)
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
        erased: dict[str, int] = {}
        for (table, sha), count in removed.items():
            if table in siblings:
                erased[sha] = erased.get(sha, 0) + count
        results[first].breaks.extend(_missing_tail(siblings, stored, expected, erased))
    return list(results.values())
