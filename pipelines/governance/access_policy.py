"""Who may do what with personal data: users -> role, role -> permissions (config/access.yaml).

The file is data, validated on load; errors name the file and the entry and say what to do.
A user entry is either a role name (CLI-only login) or a mapping with ``role`` and, for the
dashboards, ``name``, ``teams`` (the teams a role without ``all_teams`` may see) and
``password`` (a bcrypt hash, never the password itself: see :func:`hash_password`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_ACCESS_FILE = "config/access.yaml"
# reidentify / rotate_vault_key: the CLI and the vault; the rest: what the dashboards show.
DASHBOARD_PERMISSIONS = (
    "all_teams",  # every team's rows (without it: only the user's `teams`)
    "view_aggregates",  # counts and shares: overview, contact frequency, timing, trends, calls
    "view_messages",  # redacted message text (flagged messages, alert snippets)
    "view_alerts",  # the alert list
    "review_alerts",  # claim, assign, escalate, resolve, reopen, note
    "view_evidence",  # redacted threads around an alert, export with a hash manifest
    "view_access_log",  # audit.access_log
    "view_data_quality",  # latest contract check results
)
PERMISSIONS = ("reidentify", "rotate_vault_key", "legal_hold", *DASHBOARD_PERMISSIONS)
DEFAULT_MIN_REASON_CHARS = 15
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")


class AccessConfigError(Exception):
    """The access file is missing or malformed."""


@dataclass(frozen=True)
class Account:
    """A login's dashboard details (the role is in ``AccessPolicy.users``)."""

    login: str
    name: str
    teams: tuple[str, ...] = ()
    password_hash: str | None = None  # None: no dashboard login (CLI only)
    email: str | None = None


@dataclass(frozen=True)
class AccessPolicy:
    users: Mapping[str, str]  # login -> role
    permissions: Mapping[str, frozenset[str]]  # role -> permissions
    min_reason_chars: int = DEFAULT_MIN_REASON_CHARS
    path: Path | None = None
    accounts: Mapping[str, Account] = field(default_factory=dict)

    def role_of(self, user: str | None) -> str | None:
        return self.users.get((user or "").strip())

    def may(self, role: str | None, permission: str) -> bool:
        return role is not None and permission in self.permissions.get(role, frozenset())

    def roles_with(self, permission: str) -> list[str]:
        return sorted(r for r, granted in self.permissions.items() if permission in granted)

    def teams_of(self, user: str | None) -> tuple[str, ...]:
        account = self.accounts.get((user or "").strip())
        return account.teams if account else ()

    def dashboard_credentials(self) -> dict:
        """The ``credentials`` mapping streamlit-authenticator expects, for the logins that
        have a password hash (a fresh dict: the library mutates what it is given)."""
        return {
            "usernames": {
                login: {
                    "name": account.name,
                    "email": account.email or f"{login}@invalid",
                    "password": account.password_hash,
                    "roles": [self.users[login]],
                }
                for login, account in self.accounts.items()
                if account.password_hash
            }
        }

    def reason_problem(self, reason: str | None) -> str | None:
        """None when `reason` is acceptable, else a code: no_reason | reason_too_short."""
        text = " ".join((reason or "").split())
        if not text:
            return "no_reason"
        if len(text) < self.min_reason_chars:
            return "reason_too_short"
        return None


def access_file(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("VIGIA_ACCESS_FILE") or DEFAULT_ACCESS_FILE)


def load_policy(path: Path | None = None, env: Mapping[str, str] = os.environ) -> AccessPolicy:
    path = path or access_file(env)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AccessConfigError(
            f"access file {path} not found: run from the project folder or set VIGIA_ACCESS_FILE"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AccessConfigError(
            f"{path}: not a readable YAML file ({type(exc).__name__})"
        ) from None
    if not isinstance(data, dict):
        raise AccessConfigError(f"{path}: expected a mapping with `roles` and `users`")
    permissions = _roles(path, data.get("roles"))
    users, accounts = _users(path, data.get("users"), permissions)
    minimum = data.get("min_reason_chars", DEFAULT_MIN_REASON_CHARS)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
        raise AccessConfigError(f"{path}: min_reason_chars must be a positive whole number")
    return AccessPolicy(
        users=users, permissions=permissions, min_reason_chars=minimum, path=path,
        accounts=accounts,
    )


def hash_password(password: str, rounds: int = 12) -> str:
    """A bcrypt hash for the ``password:`` field of a user (what streamlit-authenticator checks)."""
    import bcrypt

    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def _roles(path: Path, roles: object) -> dict[str, frozenset[str]]:
    if not isinstance(roles, dict) or not roles:
        raise AccessConfigError(f"{path}: `roles` must map each role to its permissions")
    out = {}
    for role, granted in roles.items():
        granted = granted or {}
        if not isinstance(granted, dict):
            raise AccessConfigError(f"{path}: roles.{role} must be a mapping of permission: true")
        unknown = sorted(set(granted) - set(PERMISSIONS))
        if unknown:
            raise AccessConfigError(
                f"{path}: roles.{role}: unknown permission {unknown[0]!r}; "
                f"known: {', '.join(PERMISSIONS)}"
            )
        if any(not isinstance(v, bool) for v in granted.values()):
            raise AccessConfigError(f"{path}: roles.{role}: permissions take true or false")
        out[str(role)] = frozenset(p for p, on in granted.items() if on)
    return out


def _users(
    path: Path, users: object, roles: Mapping[str, frozenset[str]]
) -> tuple[dict[str, str], dict[str, Account]]:
    if not isinstance(users, dict):
        raise AccessConfigError(f"{path}: `users` must map each login to a role")
    out, accounts = {}, {}
    for user, entry in users.items():
        role = entry.get("role") if isinstance(entry, dict) else entry
        if role not in roles:
            raise AccessConfigError(
                f"{path}: users.{user}: role {role!r} is not one of {', '.join(sorted(roles))}"
            )
        account = _account(path, str(user), entry if isinstance(entry, dict) else {})
        team_bound = "all_teams" not in roles[role] and "view_aggregates" in roles[role]
        if team_bound and account.password_hash and not account.teams:
            raise AccessConfigError(
                f"{path}: users.{user}: role {role!r} sees only its own teams: "
                "add `teams: [<team>, ...]`"
            )
        out[str(user)], accounts[str(user)] = role, account
    return out, accounts


def _account(path: Path, user: str, entry: Mapping) -> Account:
    where = f"{path}: users.{user}"
    teams = entry.get("teams", [])
    if isinstance(teams, str):
        teams = [teams]
    if not isinstance(teams, list) or not all(isinstance(t, str) and t.strip() for t in teams):
        raise AccessConfigError(f"{where}: teams must be a list of team names")
    password = entry.get("password")
    if password is not None and (
        not isinstance(password, str)
        or not password.startswith(BCRYPT_PREFIXES)
        or len(password) != 60
    ):
        raise AccessConfigError(
            f"{where}: password must be a bcrypt hash, not the password itself: run "
            "`python -m pipelines.governance.access_policy` and paste what it prints"
        )
    name = entry.get("name") or user
    email = entry.get("email")
    return Account(
        login=user,
        name=str(name),
        teams=tuple(sorted({t.strip() for t in teams})),
        password_hash=password,
        email=str(email) if email else None,
    )


def main() -> int:  # pragma: no cover - interactive helper
    """Print a bcrypt hash of a password typed at the prompt (never echoed, never logged)."""
    import getpass

    password = getpass.getpass("Password to hash: ")
    if len(password) < 8:
        print("use at least 8 characters", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
