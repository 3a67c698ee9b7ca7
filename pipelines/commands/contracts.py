"""vigia contracts: validate the lakehouse against the data contracts, write the data dictionary."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.commands import CliError
from pipelines.settings import Settings

DEFAULT_DOCS = Path("docs/data_dictionary.md")


def register(subparsers) -> None:
    parser = subparsers.add_parser("contracts", help="data contracts: validate tables, write docs")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("validate", help="check every table against its contract")
    check.add_argument(
        "--table", action="append", metavar="LAYER.TABLE", help="only this table (repeatable)"
    )
    check.set_defaults(func=validate)
    docs = actions.add_parser("docs", help="write the Markdown data dictionary")
    docs.add_argument("--out", type=Path, default=DEFAULT_DOCS, help=f"default {DEFAULT_DOCS}")
    docs.set_defaults(func=write_docs)
    scaffold = actions.add_parser(
        "scaffold", help="print a contract skeleton for an existing Delta table (edit, then save)"
    )
    scaffold.add_argument("--table", required=True, metavar="LAYER.TABLE")
    scaffold.set_defaults(func=write_scaffold)


def _contracts(tables: list[str] | None):
    from data_contracts import ContractError, load_contracts

    try:
        contracts = load_contracts()
    except ContractError as exc:
        raise CliError(f"{exc}; fix the contract file and run again") from exc
    unknown = sorted(set(tables or []) - set(contracts))
    if unknown:
        raise CliError(
            f"no contract for {', '.join(unknown)}; known tables: {', '.join(sorted(contracts))}"
        )
    return [contracts[t] for t in sorted(tables or contracts)]


def validate(args: argparse.Namespace) -> int:
    from data_contracts.validation import validate_table

    base = Settings.from_env().lakehouse_uri
    failed = 0
    for contract in _contracts(args.table):
        report = validate_table(contract, base)
        status = "ok" if report.passed else "FAILED"
        rules = len(report.results)
        print(
            f"{status:<6} {contract.table:<32} {report.rows:>10,} rows  {rules} rules, "
            f"{len(report.errors)} failed, {len(report.warnings)} warnings"
        )
        for result in report.errors + report.warnings:
            print(f"       {'error' if result in report.errors else 'warn '}  {result.description}")
        failed += not report.passed
    print(
        f"{failed} of {len(_contracts(args.table))} tables failed their contract"
        if failed
        else "every table meets its contract"
    )
    return 1 if failed else 0


def write_docs(args: argparse.Namespace) -> int:
    from data_contracts.dictionary import render

    text = render(_contracts(None))
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror}; choose another --out") from exc
    print(f"wrote {args.out} ({text.count(chr(10))} lines)")
    return 0


def write_scaffold(args: argparse.Namespace) -> int:
    """A starting point for a new table's contract, from its Delta schema: every column is
    classified pii until someone decides otherwise, and the TODOs say what to fill in."""
    import yaml

    from data_contracts.physical_types import delta_schema, logical_type_of
    from pipelines import lake

    base = Settings.from_env().lakehouse_uri
    try:
        table = lake.delta_table(args.table, base)
    except lake.LakeError as exc:
        raise CliError(str(exc)) from exc
    layer, name = args.table.split(".", 1)
    partitions = list(table.metadata().partition_columns)
    columns = [
        {
            "name": column,
            "logicalType": logical_type_of(kind),
            "physicalType": kind,
            "description": "TODO",
            "required": False,
            "classification": "pii",
            **(
                {"partitioned": True, "partitionKeyPosition": partitions.index(column) + 1}
                if column in partitions
                else {}
            ),
        }
        for column, kind in delta_schema(table).items()
    ]
    contract = {
        "apiVersion": "v3.1.0",
        "kind": "DataContract",
        "id": f"vigia-{layer}-{name.replace('_', '-')}",
        "name": args.table,
        "version": "0.1.0",
        "status": "draft",
        "description": {"purpose": "TODO", "usage": "TODO", "limitations": "TODO"},
        "team": {"name": "vigia-data-platform", "members": [{"username": "TODO", "role": "owner"}]},
        "schema": [
            {
                "name": name,
                "physicalName": args.table,
                "physicalType": "table",
                "logicalType": "object",
                "dataGranularityDescription": "TODO",
                "properties": columns,
                "quality": [{"metric": "rowCount", "mustBeGreaterOrEqualTo": 0}],
            }
        ],
        "slaProperties": [{"property": "retention", "value": 5, "unit": "y"}],
    }
    print(
        f"# TODO: mark the key (primaryKey: true), classify each column, add rules; save as\n"
        f"# data_contracts/{args.table}.odcs.yaml\n"
        + yaml.safe_dump(contract, sort_keys=False, allow_unicode=True),
        end="",
    )
    return 0
