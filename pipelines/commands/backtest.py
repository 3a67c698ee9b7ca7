"""vigia backtest: what a new or changed rule file would add or remove in the message history."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from pipelines.commands import CliError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "backtest",
        help="run a new or changed rule file against silver.messages before it goes live",
        description=(
            "Score the history in silver.messages with the current rules and with the rules of "
            "RULES.yaml swapped in (same ids replaced, new ids added), and print per category "
            "and ISO week how many labelled messages and alerts (chat x category x week) the "
            "change adds and removes."
        ),
    )
    parser.add_argument("rules", type=Path, help="the new or changed <category>.<lang>.yaml")
    parser.add_argument("--lakehouse", help="lakehouse URI (default $LAKEHOUSE_URI or ./lakehouse)")
    parser.add_argument(
        "--rules-dir", type=Path, help="the current (live) rules (default models/rules)"
    )
    parser.add_argument(
        "--thresholds", type=Path, help="label thresholds YAML (default the rules' thresholds.yaml)"
    )
    parser.add_argument("--since", type=date.fromisoformat, help="first event date (YYYY-MM-DD)")
    parser.add_argument("--until", type=date.fromisoformat, help="last event date (YYYY-MM-DD)")
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")
    parser.set_defaults(func=run)


def _messages(base: str | None, since: date | None, until: date | None):
    import polars as pl

    from pipelines import lake

    try:
        frame = lake.scan_table("silver.messages", base)
    except lake.LakeError as exc:
        raise CliError(str(exc)) from None
    frame = frame.filter(
        (pl.col("kind") == "message") & (pl.col("text_redacted").str.len_chars() > 0)
    )
    if since is not None:
        frame = frame.filter(pl.col("event_date") >= since)
    if until is not None:
        frame = frame.filter(pl.col("event_date") <= until)
    return frame.select("message_id", "chat_id", "event_date", "text_redacted").collect()


def _print_table(changes, out_lines: list[str]) -> None:
    header = (
        f"{'category':<24}{'week':<10}{'before':>8}{'after':>8}{'added':>7}{'removed':>8}"
        f"{'alerts':>8}{'after':>7}{'added':>7}{'removed':>8}"
    )
    out_lines.append(header)
    for row in changes.iter_rows(named=True):
        out_lines.append(
            f"{row['category']:<24}{row['week']:<10}{row['flagged_before']:>8}"
            f"{row['flagged_after']:>8}{row['added']:>7}{row['removed']:>8}"
            f"{row['alerts_before']:>8}{row['alerts_after']:>7}{row['alerts_added']:>7}"
            f"{row['alerts_removed']:>8}"
        )


def run(args: argparse.Namespace) -> int:
    from models.rules.loader import RULES_DIR, load_abbreviations
    from models.rules.schema import RuleFileError
    from models.rules.scorer import RuleScorer
    from pipelines.detection.rule_backtest import backtest, candidate_rules
    from pipelines.detection.rule_eval import load_rule_set

    if not args.rules.is_file():
        raise CliError(f"{args.rules}: no such rule file")
    live = (args.rules_dir or RULES_DIR).resolve()
    if args.rules.resolve().parent == live:
        raise CliError(
            f"{args.rules} is one of the live rule files: copy the changed file elsewhere "
            "(e.g. /tmp) and backtest the copy, so the live version is the baseline"
        )
    try:
        current, thresholds = load_rule_set(args.rules_dir, args.thresholds)
        candidate = candidate_rules(current.rules, args.rules)
        changed = RuleScorer(candidate.rules, load_abbreviations(args.rules_dir))
    except RuleFileError as exc:
        raise CliError(str(exc)) from None
    messages = _messages(args.lakehouse, args.since, args.until)
    changes = backtest(messages, current, changed, thresholds)
    if args.json:
        print(
            json.dumps(
                {
                    "messages": messages.height,
                    "replaced": candidate.replaced,
                    "added": candidate.added,
                    "changes": changes.to_dicts(),
                },
                indent=2,
            )
        )
        return 0
    lines = [
        f"{messages.height} messages scored; rules replaced {len(candidate.replaced)}, "
        f"added {len(candidate.added)}",
        "",
    ]
    if changes.is_empty():
        lines.append("no message is labelled under either rule set")
    else:
        _print_table(changes, lines)
        totals = (
            changes.select("added", "removed", "alerts_added", "alerts_removed")
            .sum()
            .row(0, named=True)
        )
        lines += [
            "",
            f"total: {totals['added']} messages added, {totals['removed']} removed; "
            f"{totals['alerts_added']} alerts added, {totals['alerts_removed']} removed",
        ]
    print("\n".join(lines))
    return 0
