"""What `vigia verify` needs to keep checking a bronze table after records were erased from it.

Bronze records are hash-chained per source file (``pipelines.ingest.bronze``). Removing records
breaks the chain at the first kept record after a gap, and the file's record count no longer
matches the ingest manifest. Before deleting, retention therefore records, per date and file, how
many records it removes and, for every kept record whose predecessor is removed, that
predecessor's ``chain_sha256`` (the *anchor* the chain resumes from). Only hashes, file hashes
and positions: no record content. The JSON goes to ``audit.erasure_log.bronze_files``.
"""

from __future__ import annotations

import json

import polars as pl

from pipelines.ingest.bronze_loader import CHAINED_TABLES


def chain_anchors(rows: pl.DataFrame, table: str, removed: pl.Expr) -> dict[str, str]:
    """``{event_date ISO: JSON}`` for a chained bronze table, given all its rows (file_sha256,
    event_date, chain_sha256 and the order columns) and an expression true for removed rows.

    JSON: ``{file_sha256: {"removed": n, "anchors": [[line_number, item_index, previous
    chain_sha256], ...]}}``; anchors are filed under the date of the removed predecessor.
    """
    if table not in CHAINED_TABLES:
        return {}
    order = list(CHAINED_TABLES[table][1])
    item = "item_index" in order
    marked = rows.with_columns(removed.alias("_removed")).sort(["file_sha256", *order])
    marked = marked.with_columns(
        _prev_removed=pl.col("_removed").shift(1).over("file_sha256").fill_null(False),
        _prev_chain=pl.col("chain_sha256").shift(1).over("file_sha256"),
        _prev_date=pl.col("event_date").shift(1).over("file_sha256"),
    )
    out: dict[str, dict[str, dict]] = {}
    counts = marked.filter("_removed").group_by("event_date", "file_sha256").len()
    for day, sha, count in counts.iter_rows():
        out.setdefault(day.isoformat(), {})[sha] = {"removed": int(count), "anchors": []}
    resumed = marked.filter(~pl.col("_removed") & pl.col("_prev_removed"))
    for row in resumed.iter_rows(named=True):
        entry = out[row["_prev_date"].isoformat()][row["file_sha256"]]
        index = row["item_index"] if item else None
        entry["anchors"].append([row["line_number"], index, row["_prev_chain"]])
    return {day: json.dumps(files, sort_keys=True) for day, files in out.items()}


def chain_columns(table: str) -> list[str]:
    """Columns :func:`chain_anchors` reads (empty for tables without a hash chain)."""
    if table not in CHAINED_TABLES:
        return []
    return ["file_sha256", "event_date", "chain_sha256", *CHAINED_TABLES[table][1]]


def erased_records(base: str | None = None) -> tuple[dict[tuple, str], dict[tuple, int]]:
    """From audit.erasure_log: anchors ``{(table, file_sha256, line_number, item_index):
    previous chain_sha256}`` and removed counts ``{(table, file_sha256): n}`` — what
    ``pipelines.ingest.verify`` must apply to pass after an erasure (see docs/governance.md)."""
    from pipelines import lake

    anchors: dict[tuple, str] = {}
    removed: dict[tuple, int] = {}
    if not lake.table_exists("audit.erasure_log", base):
        return anchors, removed
    log = (
        lake.scan_table("audit.erasure_log", base)
        .filter(pl.col("bronze_files").is_not_null())
        .select("table", "bronze_files")
        .collect()
    )
    for table, payload in log.iter_rows():
        for sha, entry in json.loads(payload).items():
            removed[(table, sha)] = removed.get((table, sha), 0) + int(entry["removed"])
            for line, item, previous in entry["anchors"]:
                anchors[(table, sha, line, item)] = previous
    return anchors, removed
