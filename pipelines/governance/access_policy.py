"""Who may do what with personal data: users -> role, role -> permissions (config/access.yaml).

The file is data, validated on load; errors name the file and the entry and say what to do.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_ACCESS_FILE = "config/access.yaml"
PERMISSIONS = ("reidentify", "rotate_vault_key")
DEFAULT_MIN_REASON_CHARS = 15


class AccessConfigError(Exception):
    """The access file is missing or malformed."""


@dataclass(frozen=True)
class AccessPolicy:
    users: Mapping[str, str]  # login -> role
    permissions: Mapping[str, frozenset[str]]  # role -> permissions
    min_reason_chars: int = DEFAULT_MIN_REASON_CHARS
    path: Path | None = None

    def role_of(self, user: str | None) -> str | None:
        return self.users.get((user or "").strip())

    def may(self, role: str | None, permission: str) -> bool:
        return role is not None and permission in self.permissions.get(role, frozenset())

    def roles_with(self, permission: str) -> list[str]:
        return sorted(r for r, granted in self.permissions.items() if permission in granted)

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
    users = _users(path, data.get("users"), permissions)
    minimum = data.get("min_reason_chars", DEFAULT_MIN_REASON_CHARS)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
        raise AccessConfigError(f"{path}: min_reason_chars must be a positive whole number")
    return AccessPolicy(users=users, permissions=permissions, min_reason_chars=minimum, path=path)


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


def _users(path: Path, users: object, roles: Mapping[str, frozenset[str]]) -> dict[str, str]:
    if not isinstance(users, dict):
        raise AccessConfigError(f"{path}: `users` must map each login to a role")
    out = {}
    for user, entry in users.items():
        role = entry.get("role") if isinstance(entry, dict) else entry
        if role not in roles:
            raise AccessConfigError(
                f"{path}: users.{user}: role {role!r} is not one of {', '.join(sorted(roles))}"
            )
        out[str(user)] = role
    return out
