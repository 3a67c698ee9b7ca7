"""vigia run: ingest new landing files and build silver and gold for every event date."""

from __future__ import annotations

import argparse

from pipelines.commands import CliError
from pipelines.settings import Settings


def register(subparsers) -> None:
    parser = subparsers.add_parser("run", help="ingest new landing files, build silver and gold")
    parser.set_defaults(func=run)


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
    defs = build_defs(settings)
    result = run_pipeline(defs, settings.lakehouse_uri)
    print_summary(settings.lakehouse_uri, result, asset_tables(defs))
    return 0 if result.success else 1
