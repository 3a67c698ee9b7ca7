"""vigia verify: recompute the hash chains of bronze and audit.access_log; name the first break."""

from __future__ import annotations

import argparse

from pipelines.commands import CliError
from pipelines.settings import Settings

MORE_SHOWN = 5


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="prove bronze and the access log unchanged: recompute every hash chain",
        description="Recompute record and chain hashes of every bronze record in file order and "
        "compare record counts with the ingest manifest, and recompute the hash chain of "
        "audit.access_log in append order. Exit 1 naming the first bad record (table, source "
        "file sha256, line; or access-log sequence) when any was changed, reordered or removed.",
    )
    parser.add_argument(
        "--table", action="append", metavar="T", help="only this table (repeatable)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.governance.access_log import ACCESS_LOG_TABLE, verify_access_log
    from pipelines.ingest.bronze_loader import CHAINED_TABLES
    from pipelines.ingest.verify import verify_tables

    base = Settings.from_env().lakehouse_uri
    tables = args.table
    choices = [*CHAINED_TABLES, ACCESS_LOG_TABLE]
    if tables:
        unknown = [t for t in tables if t not in choices]
        if unknown:
            raise CliError(
                f"{', '.join(unknown)} has no hash chain; choose from {', '.join(choices)}"
            )
    bronze = [t for t in tables if t in CHAINED_TABLES] if tables else None
    results = verify_tables(bronze, base) if bronze is None or bronze else []
    access = verify_access_log(base) if not tables or ACCESS_LOG_TABLE in tables else None
    access_breaks = access.breaks if access else []
    found = any(r.records or r.breaks for r in results) or (access and access.rows)
    if not found and not access_breaks:
        raise CliError(
            f"no bronze records or access log under {base}; set LAKEHOUSE_URI or run "
            "`vigia run` first"
        )
    broken = [b.describe() for r in results for b in r.breaks]
    broken += [b.describe(ACCESS_LOG_TABLE) for b in access_breaks]
    for result in results:
        state = "hash chains intact" if result.ok else f"{len(result.breaks)} broken file(s)"
        print(f"{result.table}: {result.records:,} records in {result.files:,} files, {state}")
    if access is not None:
        state = "hash chain intact" if access.ok else "hash chain broken"
        print(f"{ACCESS_LOG_TABLE}: {access.rows:,} rows, {state}")
    if not broken:
        return 0
    print(f"FAILED: first bad record: {broken[0]}")
    for extra in broken[1 : 1 + MORE_SHOWN]:
        print(f"  also: {extra}")
    if len(broken) > 1 + MORE_SHOWN:
        print(f"  … and {len(broken) - 1 - MORE_SHOWN} more")
    return 1
