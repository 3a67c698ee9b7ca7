"""vigia hold: legal holds on a data subject or a conversation (add, list, release)."""

from __future__ import annotations

import argparse

from pipelines.commands import CliError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "hold",
        help="legal holds: keep a subject's or a conversation's data past its retention",
        description="Held data survives retention and erasure until the hold is released or its "
        "--until date passes. Placing and releasing need a role with legal_hold in the access "
        "file and a written reason; both are recorded in audit.legal_holds.",
    )
    commands = parser.add_subparsers(dest="hold_command", required=True, metavar="ACTION")
    add = commands.add_parser("add", help="place a hold")
    target = add.add_mutually_exclusive_group(required=True)
    target.add_argument("--subject", metavar="TOKEN", help="pseudonym of the data subject")
    target.add_argument("--conversation", metavar="CHAT_ID", help="chat id, e.g. C-0123…")
    add.add_argument("--until", required=True, metavar="YYYY-MM-DD", help="last day of the hold")
    _who(add)
    add.set_defaults(func=run_add)
    listing = commands.add_parser("list", help="holds and their state (latest row per hold)")
    listing.add_argument("--all", action="store_true", help="include released and lapsed holds")
    listing.set_defaults(func=run_list)
    release = commands.add_parser("release", help="release a hold")
    release.add_argument("hold_id", metavar="HOLD_ID", help="e.g. H-0123456789ab")
    _who(release)
    release.set_defaults(func=run_release)


def _who(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", default="", help="case or request behind it (required)")
    parser.add_argument("--user", default="", help="your login in the access file (required)")


def _policy():
    from pipelines.governance.access_policy import AccessConfigError, load_policy

    try:
        return load_policy()
    except AccessConfigError as exc:
        raise CliError(f"{exc} (nothing was changed)") from None


def run_add(args: argparse.Namespace) -> int:
    from pipelines.governance.holds import CONVERSATION, SUBJECT, HoldError, place_hold

    scope = SUBJECT if args.subject else CONVERSATION
    try:
        row = place_hold(
            _policy(),
            args.user,
            scope=scope,
            target=args.subject or args.conversation,
            reason=args.reason,
            until=args.until,
        )
    except HoldError as exc:
        raise CliError(f"{exc} (nothing was changed)") from None
    print(f"legal hold {row['hold_id']} placed on {scope} {row['target']} until {row['until']}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    import polars as pl

    from pipelines.governance.holds import PLACED, current_holds

    rows = current_holds()
    if not args.all:
        today = datetime.now(UTC).date()
        rows = rows.filter((pl.col("action") == PLACED) & (pl.col("until") >= today))
    if rows.is_empty():
        print("no legal holds" + ("" if args.all else " in force"))
        return 0
    for row in rows.iter_rows(named=True):
        state = "in force" if row["action"] == PLACED else "released"
        print(
            f"{row['hold_id']}  {row['scope']:<12} {row['target']:<18} until {row['until']}  "
            f"{state} by {row['user']} on {row['at']:%Y-%m-%d}: {row['reason']}"
        )
    return 0


def run_release(args: argparse.Namespace) -> int:
    from pipelines.governance.holds import HoldError, release_hold

    try:
        row = release_hold(_policy(), args.user, args.hold_id, reason=args.reason)
    except HoldError as exc:
        raise CliError(f"{exc} (nothing was changed)") from None
    print(f"legal hold {row['hold_id']} on {row['scope']} {row['target']} released")
    return 0
