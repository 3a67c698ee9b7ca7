"""Audited re-identification: one token, one allowed person, one written reason, one log row.

Every attempt is appended to audit.access_log before anything is answered, granted or not; if
the log cannot be written, nothing is answered. Denials say why without saying whether the
token exists (only an allowed request with a reason learns that).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.governance.access_log import DENIED, ERROR, GRANTED, AccessEvent, append_events
from pipelines.governance.access_policy import AccessPolicy
from pipelines.privacy.keys import KeyConfigError
from pipelines.privacy.vault import Identity, UnknownTokenError, Vault, VaultError

TOKEN = re.compile(r"P-[0-9a-f]{12}")
ACTION = "reidentify"


class AccessDenied(Exception):
    """The request was refused (and logged); the message says why and what to do."""

    def __init__(self, message: str, event: AccessEvent):
        super().__init__(f"{message} (attempt logged as access event {event.event_id})")
        self.event = event


@dataclass(frozen=True)
class Reidentified:
    identity: Identity
    event: AccessEvent


def reidentify(
    token: str,
    user: str | None,
    reason: str | None,
    *,
    policy: AccessPolicy,
    open_vault: Callable[[], Vault],
    base: str | None = None,
    origin: dict[str, str] | None = None,
) -> Reidentified:
    """The identity behind `token` for an allowed user with a reason; AccessDenied otherwise.

    `origin` may set the log's `host` and `client` (the dashboards pass the client address and
    user agent); by default they describe this workstation and the CLI.
    """
    token = (token or "").strip()
    user = (user or "").strip()
    role = policy.role_of(user)

    def log(outcome: str, detail: str | None) -> AccessEvent:
        event = AccessEvent(
            user=user,
            role=role,
            action=ACTION,
            outcome=outcome,
            token=token if TOKEN.fullmatch(token) else None,
            reason=(reason or "").strip() or None,
            detail=detail,
            **(origin or {}),
        )
        append_events([event], base)
        return event

    refusal = _refusal(token, user, role, reason, policy)
    if refusal is not None:
        detail, message = refusal
        raise AccessDenied(message, log(DENIED, detail))
    try:
        identity = open_vault().lookup(token)
    except UnknownTokenError:
        raise AccessDenied(
            f"token {token} is not in the vault: check it against the table it came from, or "
            "materialize vault/identities if it is new",
            log(DENIED, "unknown_token"),
        ) from None
    except (VaultError, KeyConfigError) as exc:
        event = log(ERROR, f"vault_error:{type(exc).__name__}")
        raise AccessDenied(f"the vault could not answer: {exc}", event) from None
    return Reidentified(identity, log(GRANTED, None))


def _refusal(
    token: str, user: str, role: str | None, reason: str | None, policy: AccessPolicy
) -> tuple[str, str] | None:
    """(detail code, message) of the first rule the request breaks, or None."""
    where = policy.path or "the access file"
    if not TOKEN.fullmatch(token):
        return "malformed_token", (
            "TOKEN must be a pseudonym as shown in the tables: P- followed by 12 hex digits"
        )
    if role is None:
        who = f"user {user!r}" if user else "no user given (--user)"
        return "unknown_user", f"{who} is not in {where}: ask the DPO to add the login"
    if not policy.may(role, "reidentify"):
        allowed = ", ".join(policy.roles_with("reidentify")) or "none"
        return "role_not_allowed", (
            f"role {role!r} may not re-identify (allowed roles: {allowed}; see {where})"
        )
    problem = policy.reason_problem(reason)
    if problem == "no_reason":
        return problem, 'a reason is required: add --reason "why you need this identity"'
    if problem is not None:
        return problem, (
            f"the reason is too short: write at least {policy.min_reason_chars} characters "
            "saying why you need this identity (case, request, legal basis)"
        )
    return None
