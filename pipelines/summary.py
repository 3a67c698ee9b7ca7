"""The short summary printed after a run: tables, row counts, flagged messages, failed checks."""

from __future__ import annotations

import dagster as dg
import polars as pl

from pipelines import lake
from pipelines.runner import RunSummary


def asset_tables(defs: dg.Definitions) -> list[str]:
    """Every table the code location materializes, bronze first (from the asset graph)."""
    keys = defs.resolve_asset_graph().get_all_asset_keys()
    names = {".".join(key.path) for key in keys}
    return sorted(names, key=lambda n: (lake.LAYERS.index(n.split(".")[0]), n))


def table_counts(tables: list[str], base: str | None = None) -> dict[str, int]:
    return {
        name: (
            lake.scan_table(name, base).select(pl.len()).collect().item()
            if lake.table_exists(name, base)
            else 0
        )
        for name in tables
    }


def print_summary(base: str | None, result: RunSummary, tables: list[str]) -> None:
    status = "ok" if result.success else "FAILED"
    if result.first_date:
        span = f": rebuilt {result.first_date} .. {result.last_date}"
    elif result.success:
        span = ": no new landing files, nothing rebuilt (`vigia run --full` rebuilds every date)"
    else:
        span = ""
    print(f"\npipeline run {status}{span} ({result.new_files} new files)")
    print(f"lakehouse: {lake.table_uri('gold.x', base).rsplit('/gold/', 1)[0]}")
    for name, rows in table_counts(tables, base).items():
        print(f"  {name:<32} {rows:>10,} rows")
    if lake.table_exists("gold.message_scores", base):
        by_category = (
            lake.scan_table("gold.message_scores", base)
            .explode("categories")
            .group_by("categories")
            .agg(pl.len())
            .sort("len", descending=True)
            .collect()
        )
        print("flagged messages by category:")
        for category, count in by_category.iter_rows():
            print(f"  {category:<32} {count:>10,}")
    for failure in result.failed_checks:
        print(f"check failed: {failure}")
    for step in result.failed_steps:
        print(f"step failed: {step}")
