"""vigia score: JSON Lines {"id", "text"} on stdin -> misconduct labels, scores and rule hits.

Each output line is {"id", "labels", "scores", "rules"[, "text_redacted"]}: `labels` are the
categories whose score reaches the threshold in models/rules/thresholds.yaml, `scores` has every
category (0.0 when no rule fired), `rules` lists each hit {"id", "category", "start", "end"}.
Input text is raw: it is redacted first with the pipeline's privacy analyzer and key (as silver
does), the rules run on the redacted text, and the output carries that text as `text_redacted`:
hit offsets point into it. With --redacted the input is already redacted text, scored as it is,
and offsets point into the input. A bad line is reported on stderr by its line number only and
skipped; the exit code is 1 if any was.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from pipelines.commands import CliError
from pipelines.commands.redact import BATCH_LINES, numbered_batches, parse_line, privacy_toolkit


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score JSON Lines {id, text} from stdin with the misconduct rules",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--redacted",
        action="store_true",
        help="the input text is already redacted: score it as is (offsets point into it); "
        "without this flag the text is redacted first and offsets point into text_redacted",
    )
    parser.add_argument("--rules-dir", type=Path, help="rule files to use (default models/rules)")
    parser.add_argument(
        "--thresholds", type=Path, help="label thresholds YAML (default the rules' thresholds.yaml)"
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=BATCH_LINES,
        help=f"lines scored together (default {BATCH_LINES})",
    )
    parser.set_defaults(func=run)


def score_stream(
    lines: Iterable[str],
    out: TextIO,
    err: TextIO,
    scorer,
    thresholds,
    batch_size: int,
    redactor=None,
) -> tuple[int, int, int]:
    """Score JSON Lines to `out`; returns (records written, records labelled, lines failed).

    `redactor`, when given, maps a list of raw texts to their redacted texts.
    """
    from models.rules.scorer import category_scores
    from models.rules.thresholds import all_scores, labels_of

    written = labelled = failed = 0
    for batch in numbered_batches(lines, batch_size):
        records = []
        for number, line in batch:
            try:
                records.append(parse_line(line))
            except ValueError as exc:
                failed += 1
                print(f"vigia score: line {number}: {exc}; skipped", file=err)
        texts = [text for _, text in records]
        scored = redactor(texts) if redactor is not None else texts
        for (record_id, _), text, hits in zip(
            records, scored, scorer.hits_many(scored), strict=True
        ):
            scores = category_scores(hits)
            labels = labels_of(scores, thresholds)
            row = {
                "id": record_id,
                "labels": labels,
                "scores": all_scores(scores),
                "rules": [
                    {"id": h.rule_id, "category": h.category, "start": h.start, "end": h.end}
                    for h in hits
                ],
            }
            if redactor is not None:
                row["text_redacted"] = text
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
            labelled += bool(labels)
    return written, labelled, failed


def run(args: argparse.Namespace) -> int:
    from models.rules.schema import RuleFileError
    from pipelines.detection.rule_eval import load_rule_set

    if args.batch_size < 1:
        raise CliError("--batch-size must be at least 1")
    try:
        scorer, thresholds = load_rule_set(args.rules_dir, args.thresholds)
    except RuleFileError as exc:
        raise CliError(str(exc)) from None
    redactor = None
    if not args.redacted:
        from pipelines.privacy.redaction import redact_many

        analyzer, pseudonymizer = privacy_toolkit()

        def redactor(texts: list[str]) -> list[str]:
            return redact_many(texts, analyzer, pseudonymizer)

    written, labelled, failed = score_stream(
        sys.stdin, sys.stdout, sys.stderr, scorer, thresholds, args.batch_size, redactor
    )
    print(
        f"vigia score: {written} records scored, {labelled} labelled, {failed} lines failed",
        file=sys.stderr,
    )
    return 1 if failed else 0
