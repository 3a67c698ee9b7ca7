"""vigia retention run: delete rows past their retention (legal holds excepted), vacuum, log."""

from __future__ import annotations

import argparse
from datetime import date

from pipelines.commands import CliError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "retention", help="retention by purpose (config/governance.yaml)"
    )
    commands = parser.add_subparsers(dest="retention_command", required=True, metavar="ACTION")
    run_parser = commands.add_parser(
        "run",
        help="delete expired rows, keep held ones, vacuum, record counts in audit.erasure_log",
        description="Deletes every row older than its table's retention in the governance file "
        "(VIGIA_GOVERNANCE_FILE, default config/governance.yaml), except rows under a legal "
        "hold, vacuums the removed files and appends counts per table and date to "
        "audit.erasure_log. The daily Dagster schedule `retention_daily` does the same.",
    )
    run_parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")
    run_parser.add_argument("--today", metavar="YYYY-MM-DD", help="age rows as of this date")
    run_parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from pipelines.governance.retention import GovernanceConfigError, load_rules, run_retention

    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        raise CliError(f"--today {args.today!r} is not a date: write YYYY-MM-DD") from None
    try:
        log = run_retention(load_rules(), today, dry_run=args.dry_run)
    except GovernanceConfigError as exc:
        raise CliError(f"{exc} (nothing was deleted)") from None
    verb = "would remove" if args.dry_run else "removed"
    if log.is_empty():
        print("retention: nothing is past its retention")
        return 0
    totals = log.group_by("table", maintain_order=True).agg(
        dates=pl.len(),
        removed=pl.col("rows_removed").sum(),
        held=pl.col("rows_kept_under_hold").sum(),
    )
    for table, dates, removed, held in totals.iter_rows():
        print(f"{table}: {verb} {removed} rows from {dates} dates; kept {held} under legal hold")
    if not args.dry_run:
        print(f"recorded in audit.erasure_log as run {log['run_id'][0]}")
    return 0
