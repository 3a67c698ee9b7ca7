"""vigia eval-rules: precision, recall and F1 of the misconduct rules on labelled messages."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipelines.commands import CliError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval-rules",
        help="measure the misconduct rules on labelled JSON Lines {text, labels}",
        description=(
            "Score each message of FILE (JSON Lines {text, labels}; labels [] = innocent) with "
            "the rules and print precision, recall and F1 per category and per rule, macro F1, "
            "and the false-positive rate on innocent messages. The text is scored as given: "
            "use redacted text, as the pipeline does (or --redact)."
        ),
    )
    parser.add_argument("file", type=Path, help="labelled JSON Lines {text, labels}")
    parser.add_argument(
        "--unlabelled",
        type=Path,
        help="JSON Lines {text} of everyday traffic: report the share of it given any label",
    )
    parser.add_argument("--rules-dir", type=Path, help="rule files to use (default models/rules)")
    parser.add_argument(
        "--thresholds", type=Path, help="label thresholds YAML (default the rules' thresholds.yaml)"
    )
    parser.add_argument(
        "--redact",
        action="store_true",
        help="redact the text first with the pipeline's privacy analyzer and key",
    )
    parser.add_argument("--all-rules", action="store_true", help="list rules that never fired too")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from models.rules.schema import RuleFileError
    from pipelines.detection.rule_eval import (
        EvalInputError,
        Labelled,
        evaluate_files,
        format_report,
        load_rule_set,
        read_labelled,
        read_texts,
    )

    try:
        labelled = read_labelled(args.file)
        unlabelled = read_texts(args.unlabelled) if args.unlabelled else None
    except EvalInputError as exc:
        raise CliError(str(exc)) from None
    if not labelled:
        raise CliError(f"{args.file}: holds no labelled messages")
    try:
        scorer, thresholds = load_rule_set(args.rules_dir, args.thresholds)
    except RuleFileError as exc:
        raise CliError(str(exc)) from None
    if args.redact:
        from pipelines.commands.redact import _privacy
        from pipelines.privacy.redaction import redact_many

        analyzer, pseudonymizer = _privacy()
        texts = redact_many([m.text for m in labelled], analyzer, pseudonymizer)
        labelled = [Labelled(t, m.labels, m.line) for t, m in zip(texts, labelled, strict=True)]
        if unlabelled is not None:
            unlabelled = redact_many(unlabelled, analyzer, pseudonymizer)
    report = evaluate_files(scorer, thresholds, labelled, unlabelled)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report, args.all_rules))
    return 0
