"""The short summary printed after a run: tables, row counts, flagged messages, failed checks."""

from __future__ import annotations

import polars as pl

from pipelines import lake
from pipelines.runner import RunSummary

TABLES = (
    "bronze.ingest_manifest",
    "bronze.whatsapp_messages",
    "bronze.call_records",
    "bronze.quarantine",
    "silver.messages",
    "silver.calls",
    "silver.participants",
    "gold.message_scores",
    "gold.contact_frequency_daily",
    "gold.contact_hours",
)


def table_counts(base: str | None = None) -> dict[str, int]:
    return {
        name: (
            lake.scan_table(name, base).select(pl.len()).collect().item()
            if lake.table_exists(name, base)
            else 0
        )
        for name in TABLES
    }


def print_summary(base: str | None, result: RunSummary) -> None:
    status = "ok" if result.success else "FAILED"
    span = f" for {result.first_date} .. {result.last_date}" if result.first_date else ""
    print(f"\npipeline run {status}{span}")
    print(f"lakehouse: {lake.table_uri('gold.x', base).rsplit('/gold/', 1)[0]}")
    for name, rows in table_counts(base).items():
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
