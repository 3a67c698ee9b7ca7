"""vigia parse FILE: print one landing file's parsed records as JSON Lines, summary on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines.commands import CliError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "parse",
        help="print the parsed records of one file as JSON Lines",
        description="Detect the file type (WhatsApp export .txt, Cloud API webhook .json/.jsonl, "
        "call-record CSV), print one JSON object per message, status or call on stdout and a "
        "one-line summary (parsed, quarantined) on stderr. Nothing is written to the lakehouse.",
    )
    parser.add_argument("file", type=Path, help="the file to parse")
    parser.add_argument(
        "--mapping",
        metavar="NAME",
        help="read a call CSV with data_contracts/mappings/NAME.yaml (default: detected)",
    )
    parser.add_argument(
        "--quarantined",
        action="store_true",
        help="also print quarantined records (kind 'quarantined', with the reason)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.ingest.call_mappings import MappingError, available_mappings
    from pipelines.ingest.errors import ExportReadError
    from pipelines.ingest.parse_file import parse_file

    if not args.file.is_file():
        raise CliError(f"{args.file}: no such file; give the path of one landing file")
    mapping = None
    try:
        if args.mapping:
            mappings = available_mappings()
            if args.mapping not in mappings:
                raise CliError(
                    f"no call mapping {args.mapping!r}; available: {', '.join(mappings)}"
                )
            mapping = mappings[args.mapping]
        parsed = parse_file(args.file, mapping)
    except (ExportReadError, MappingError) as exc:
        raise CliError(str(exc)) from None
    out = sys.stdout
    for record in parsed.records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if args.quarantined:
        for q in parsed.quarantined:
            item = {
                "kind": "quarantined",
                "line": q.line_number,
                "lines": q.line_count,
                "reason": q.reason,
                "raw": q.raw,
            }
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    quarantined_lines = sum(q.line_count for q in parsed.quarantined)
    header = f", {parsed.header_lines} header" if parsed.header_lines else ""
    print(
        f"{parsed.kind} ({parsed.layout}): {len(parsed.records)} parsed "
        f"({parsed.parsed_lines} lines), {len(parsed.quarantined)} quarantined "
        f"({quarantined_lines} lines){header}, {parsed.total_lines} lines in the file",
        file=sys.stderr,
    )
    return 0
