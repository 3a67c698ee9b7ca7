"""vigia vault: the identity vault's keys (status, rotate-key)."""

from __future__ import annotations

import argparse

from pipelines.commands import CliError


def register(subparsers) -> None:
    parser = subparsers.add_parser("vault", help="identity vault: key status and rotation")
    commands = parser.add_subparsers(dest="vault_command", required=True, metavar="ACTION")
    status = commands.add_parser("status", help="active key, retired keys, rows per key")
    status.set_defaults(func=run_status)
    rotate = commands.add_parser(
        "rotate-key",
        help="re-encrypt every vault row under a new key and destroy the old one (logged)",
        description="Adds a new key to the keyring (VIGIA_VAULT_KEY_FILE, default "
        ".vigia/vault.key), re-encrypts every row of vault.identities under it, then removes "
        "the old keys and, unless --keep-history, vacuums old table versions. Do not run it "
        "while the pipeline runs. Needs a role with rotate_vault_key in the access file.",
    )
    rotate.add_argument("--user", default="", help="your login in the access file (required)")
    rotate.add_argument(
        "--keep-history",
        action="store_true",
        help="keep old table versions (they stay encrypted under the destroyed key)",
    )
    rotate.set_defaults(func=run_rotate)


def run_status(args: argparse.Namespace) -> int:
    import polars as pl

    from pipelines.privacy.keyring import load_keyring
    from pipelines.privacy.keys import KeyConfigError
    from pipelines.privacy.vault import Vault

    try:
        keyring = load_keyring()
    except KeyConfigError as exc:
        raise CliError(str(exc)) from None
    where = keyring.path or "VIGIA_VAULT_KEY"
    print(f"keyring: {where}")
    print(f"active key: {keyring.active.key_id}")
    for key_id in keyring.key_ids[:-1]:
        print(f"other key (rotation unfinished?): {key_id}")
    for key_id, at in keyring.retired:
        print(f"retired: {key_id} at {at}")
    rows = Vault(keyring).rows().group_by("key_id").agg(pl.len()).sort("key_id")
    print(f"vault.identities: {int(rows['len'].sum()) if rows.height else 0} rows")
    for key_id, count in rows.iter_rows():
        print(f"  {key_id}: {count} rows")
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    from pipelines.governance.access_log import DENIED, ERROR, GRANTED, AccessEvent, append_events
    from pipelines.governance.access_policy import AccessConfigError, load_policy
    from pipelines.privacy.keyring import load_keyring
    from pipelines.privacy.keys import KeyConfigError
    from pipelines.privacy.vault import Vault, VaultError

    try:
        policy = load_policy()
    except AccessConfigError as exc:
        raise CliError(str(exc)) from None
    user = args.user.strip()
    role = policy.role_of(user)

    def log(outcome: str, detail: str) -> AccessEvent:
        event = AccessEvent(
            user=user, role=role, action="rotate_vault_key", outcome=outcome, detail=detail
        )
        append_events([event])
        return event

    if not policy.may(role, "rotate_vault_key"):
        allowed = ", ".join(policy.roles_with("rotate_vault_key")) or "none"
        event = log(DENIED, "unknown_user" if role is None else "role_not_allowed")
        raise CliError(
            f"access denied: rotating the vault key needs one of the roles {allowed} in "
            f"{policy.path} (attempt logged as access event {event.event_id})"
        )
    try:
        rotation = Vault(load_keyring()).rotate(vacuum=not args.keep_history)
    except (KeyConfigError, VaultError) as exc:
        event = log(ERROR, f"vault_error:{type(exc).__name__}")
        raise CliError(f"{exc} (logged as access event {event.event_id})") from None
    retired = ", ".join(rotation.retired_key_ids) or "none"
    log(GRANTED, f"active {rotation.active_key_id}; retired {retired}")
    print(
        f"vault key rotated: {rotation.rows_reencrypted} rows re-encrypted under "
        f"{rotation.active_key_id}; retired {retired}"
    )
    return 0
