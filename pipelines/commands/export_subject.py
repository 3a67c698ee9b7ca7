"""vigia export-subject: everything held about one data subject, as JSON and CSV with hashes."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.commands import CliError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export-subject",
        help="subject access request: export a person's rows (JSON, CSV, SHA-256 manifest)",
        description="Resolves PHONE, E-MAIL or TOKEN to its pseudonym, writes every silver, gold "
        "and audit row about it to DIR (one JSON and one CSV per table, manifest.json with "
        "their SHA-256) and logs the export in audit.access_log. Needs a role with reidentify "
        "in the access file and a written reason.",
    )
    parser.add_argument("--subject", required=True, metavar="PHONE|E-MAIL|TOKEN")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="a new folder")
    parser.add_argument("--reason", default="", help="the request behind it (required)")
    parser.add_argument("--user", default="", help="your login in the access file (required)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.conform.directory import Directory, ReferenceDataError
    from pipelines.governance.access_policy import AccessConfigError, load_policy
    from pipelines.governance.subject_export import ExportRefused, export_subject
    from pipelines.privacy.keys import KeyConfigError, load_key
    from pipelines.privacy.pseudonyms import Pseudonymizer
    from pipelines.settings import Settings

    settings = Settings.from_env()

    def pseudonymizer() -> Pseudonymizer:
        try:
            directory = Directory.load(settings.landing_dir / "reference", settings.default_region)
        except ReferenceDataError as exc:
            raise CliError(f"{exc} (nothing was exported)") from None
        try:
            return Pseudonymizer(load_key(), directory.aliases())
        except KeyConfigError as exc:
            raise CliError(f"{exc} (nothing was exported)") from None

    try:
        policy = load_policy()
    except AccessConfigError as exc:
        raise CliError(f"{exc} (nothing was exported)") from None
    try:
        result = export_subject(
            args.subject,
            args.out,
            user=args.user,
            reason=args.reason,
            policy=policy,
            pseudonymizer=pseudonymizer,
            region=settings.default_region,
        )
    except ExportRefused as exc:
        raise CliError(f"{exc}; nothing was exported") from None
    total = sum(result.rows.values())
    print(
        f"exported {total} rows about {result.token} from {len(result.rows)} tables to "
        f"{result.out_dir} (manifest.json; access event {result.event_id})"
    )
    for table, count in result.rows.items():
        print(f"  {table}: {count}")
    return 0
