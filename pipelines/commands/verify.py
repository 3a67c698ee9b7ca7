"""vigia verify: recompute bronze's hash chains and name the first record that breaks one."""

from __future__ import annotations

import argparse

from pipelines.commands import CliError
from pipelines.settings import Settings

MORE_SHOWN = 5


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="prove bronze unchanged: recompute every per-file hash chain",
        description="Recompute record and chain hashes of every bronze record in file order and "
        "compare record counts with the ingest manifest. Exit 1 naming the first bad record "
        "(table, source file sha256, line) when any record was changed, reordered or removed.",
    )
    parser.add_argument(
        "--table", action="append", metavar="T", help="only this table (repeatable)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.ingest.bronze_loader import CHAINED_TABLES
    from pipelines.ingest.verify import verify_tables

    base = Settings.from_env().lakehouse_uri
    tables = args.table
    if tables:
        unknown = [t for t in tables if t not in CHAINED_TABLES]
        if unknown:
            raise CliError(
                f"{', '.join(unknown)} has no hash chain; choose from {', '.join(CHAINED_TABLES)}"
            )
    results = verify_tables(tables, base)
    if not any(r.records for r in results) and not any(r.breaks for r in results):
        raise CliError(
            f"no bronze records under {base}; set LAKEHOUSE_URI or run `vigia run` first"
        )
    broken = [b for r in results for b in r.breaks]
    for result in results:
        state = "hash chains intact" if result.ok else f"{len(result.breaks)} broken file(s)"
        print(f"{result.table}: {result.records:,} records in {result.files:,} files, {state}")
    if not broken:
        return 0
    print(f"FAILED: first bad record: {broken[0].describe()}")
    for extra in broken[1 : 1 + MORE_SHOWN]:
        print(f"  also: {extra.describe()}")
    if len(broken) > 1 + MORE_SHOWN:
        print(f"  … and {len(broken) - 1 - MORE_SHOWN} more")
    return 1
