"""vigia run: ingest new landing files and build silver and gold for the dates they cover."""

from __future__ import annotations

import argparse
from datetime import date

from pipelines.commands import CliError
from pipelines.settings import Settings


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "run",
        help="ingest new landing files, build silver and gold for the dates they cover",
        description="Ingest new landing files, then build silver and gold for the event dates "
        "those files cover (a new day of files costs about a day of work). Use --full or "
        "--from/--to to rebuild more, e.g. after changing rules.",
    )
    parser.add_argument("--full", action="store_true", help="rebuild every date bronze holds")
    parser.add_argument("--from", dest="first", type=_day, help="first date to rebuild")
    parser.add_argument("--to", dest="last", type=_day, help="last date to rebuild")
    parser.set_defaults(func=run)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD") from None


def run(args: argparse.Namespace) -> int:
    from pipelines.definitions import build_defs
    from pipelines.runner import run_pipeline
    from pipelines.summary import asset_tables, print_summary

    settings = Settings.from_env()
    if not settings.landing_dir.is_dir():
        raise CliError(
            f"landing folder {settings.landing_dir} does not exist; set "
            "VIGIA_LANDING_DIR or run `vigia generate --out .` first"
        )
    first, last = getattr(args, "first", None), getattr(args, "last", None)  # `vigia demo` too
    full = getattr(args, "full", False)
    if (first is None) != (last is None):
        raise CliError("give both --from and --to (YYYY-MM-DD), or neither")
    if first and full:
        raise CliError("--full rebuilds every date; do not combine it with --from/--to")
    if first and first > last:
        raise CliError(f"--from {first} is after --to {last}")
    dates = (first, last) if first else None
    defs = build_defs(settings)
    result = run_pipeline(defs, settings.lakehouse_uri, full=full, dates=dates)
    print_summary(settings.lakehouse_uri, result, asset_tables(defs))
    return 0 if result.success else 1
