"""Nothing lost: every line of every landing file is in bronze or in quarantine."""

from __future__ import annotations

import polars as pl

from pipelines.quality.table_rules import RuleResult


def manifest_balances(manifest: pl.LazyFrame) -> RuleResult:
    """Per file: parsed + quarantined (+ header) lines = lines in the file."""
    failing = (
        manifest.filter(
            pl.col("parsed_lines") + pl.col("quarantined_lines") + pl.col("header_lines")
            != pl.col("total_lines")
        )
        .select("file_sha256")
        .collect()
    )
    if failing.is_empty():
        return RuleResult(True, "bronze.ingest_manifest: parsed + quarantined = lines: ok")
    sample = failing["file_sha256"].head(5).to_list()
    return RuleResult(
        False,
        "bronze.ingest_manifest: parsed + quarantined != lines for "
        f"{failing.height} files, e.g. sha256 {', '.join(sample)}",
        failing.height,
        sample,
    )


def table_matches_manifest(
    table: str,
    rows: pl.LazyFrame,
    manifest: pl.LazyFrame,
    manifest_column: str,
    row_measure: pl.Expr,
) -> RuleResult:
    """Rows stored per file (measured by ``row_measure``) = what the manifest recorded."""
    stored = rows.group_by("file_sha256").agg(stored=row_measure.cast(pl.Int64))
    expected = manifest.select("file_sha256", expected=pl.col(manifest_column).cast(pl.Int64))
    failing = (
        expected.join(stored, on="file_sha256", how="full", coalesce=True)
        .with_columns(pl.col("stored", "expected").fill_null(0))
        .filter(pl.col("stored") != pl.col("expected"))
        .collect()
    )
    if failing.is_empty():
        return RuleResult(True, f"{table}: rows per file match the ingest manifest: ok")
    sample = failing["file_sha256"].head(5).to_list()
    return RuleResult(
        False,
        f"{table}: rows per file differ from the ingest manifest for "
        f"{failing.height} files, e.g. sha256 {', '.join(sample)}",
        failing.height,
        sample,
    )
