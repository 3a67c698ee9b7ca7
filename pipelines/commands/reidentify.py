"""vigia reidentify: the identity behind one pseudonym, for allowed roles, with a reason, logged."""

from __future__ import annotations

import argparse
import json

from pipelines.commands import CliError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "reidentify",
        help="show who a pseudonym stands for (allowed roles only; reason required; logged)",
        description="Print the identity behind TOKEN. Only roles allowed in the access file "
        "(VIGIA_ACCESS_FILE, default config/access.yaml) get an answer, only with a written "
        "reason; every attempt, granted or denied, is appended to audit.access_log.",
    )
    parser.add_argument("token", metavar="TOKEN", help="pseudonym, e.g. P-3f9a1c2b4d5e")
    parser.add_argument("--reason", default="", help="why you need this identity (required)")
    parser.add_argument("--user", default="", help="your login in the access file (required)")
    parser.add_argument("--json", action="store_true", help="print the identity as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.governance.access_policy import AccessConfigError, load_policy
    from pipelines.governance.reidentification import AccessDenied, reidentify
    from pipelines.privacy.keyring import load_keyring
    from pipelines.privacy.vault import Vault

    try:
        policy = load_policy()
    except AccessConfigError as exc:
        raise CliError(f"{exc} (nothing was answered)") from None
    try:
        result = reidentify(
            args.token,
            args.user,
            args.reason,
            policy=policy,
            open_vault=lambda: Vault(load_keyring()),
        )
    except AccessDenied as exc:
        raise CliError(f"access denied: {exc}") from None
    identity = result.identity
    if args.json:
        print(json.dumps({"token": args.token.strip(), **identity.to_dict()}, ensure_ascii=False))
        return 0
    print(f"{args.token.strip()}  (access logged as event {result.event.event_id})")
    lines = {
        "identifier": identity.identifier,
        "kind": identity.kind,
        "name": identity.display_name,
        "role": identity.role,
        "directory id": identity.directory_id,
        "also known as": ", ".join(identity.aliases),
    }
    for label, value in lines.items():
        if value:
            print(f"  {label:<14}{value}")
    return 0
