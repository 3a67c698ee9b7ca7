"""config/security_rules.yaml: correlation rules over audit.access_log, validated on load.

A rule matches access-log events (actions, outcomes, outside working hours, many rows, a team
outside the user's own) and counts them per user and fixed local time window; ``min_count``
matching events in one window raise a security alert (see :mod:`security_alerts`). Errors name
the file, the rule and the key, and say what to write. Another file can be used with
VIGIA_SECURITY_RULES_FILE.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.config_files import read_config_file
from pipelines.governance.access_log import (
    DENIED,
    ERROR,
    EXPORT,
    GRANTED,
    LOGIN,
    LOGOUT,
    PAGE_VIEW,
    REVIEW,
    VIEW_MESSAGES,
)

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "config" / "security_rules.yaml"
SEVERITIES = ("low", "medium", "high")
# A failed dashboard login: user = the login typed, outcome denied, detail = why. Not written by
# the dashboards yet; the rule is ready for it.
LOGIN_FAILED = "login_failed"
ACTIONS = (
    "reidentify",
    "rotate_vault_key",
    LOGIN,
    LOGOUT,
    LOGIN_FAILED,
    PAGE_VIEW,
    VIEW_MESSAGES,
    EXPORT,
    REVIEW,
)
OUTCOMES = (GRANTED, DENIED, ERROR)
MATCH_KEYS = ("actions", "outcomes", "outside_working_hours", "min_rows", "outside_own_teams")
RULE_KEYS = ("id", "description", "match", "window", "min_count", "severity")
_WINDOW = re.compile(r"^([1-9]\d*)([mhd])$")
_RULE_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_WINDOW_LIMIT_MINUTES = 31 * 24 * 60


class SecurityRulesError(ValueError):
    """The rules file is missing or malformed; the message names file, rule and key."""


@dataclass(frozen=True)
class Match:
    actions: tuple[str, ...] = ()  # empty: any
    outcomes: tuple[str, ...] = ()  # empty: any
    outside_working_hours: bool = False
    min_rows: int | None = None
    outside_own_teams: bool = False


@dataclass(frozen=True)
class SecurityRule:
    rule_id: str
    description: str
    match: Match
    window: str  # polars duration: "15m", "1h", "1d"
    min_count: int
    severity: str


@dataclass(frozen=True)
class SecurityConfig:
    rules: tuple[SecurityRule, ...]
    min_severity: str = "medium"
    notify_address: str | None = None

    def notifiable(self, severity: str) -> bool:
        return SEVERITIES.index(severity) >= SEVERITIES.index(self.min_severity)


def rules_path(env: Mapping[str, str] = os.environ) -> Path:
    configured = env.get("VIGIA_SECURITY_RULES_FILE")
    return Path(configured) if configured else DEFAULT_FILE


def load_security_rules(
    path: Path | None = None, env: Mapping[str, str] = os.environ
) -> SecurityConfig:
    path = path or rules_path(env)
    data = read_config_file(
        path, SecurityRulesError, "security rules file", DEFAULT_FILE, "VIGIA_SECURITY_RULES_FILE"
    )
    return parse_security_rules(path, data)


def parse_security_rules(path: Path, data: Any) -> SecurityConfig:
    def fail(where: str, problem: str) -> SecurityRulesError:
        return SecurityRulesError(f"{path}: {where}: {problem}")

    if not isinstance(data, dict):
        raise fail("top level", "expected a mapping with notify and rules")
    unknown = sorted(set(data) - {"notify", "rules"})
    if unknown:
        raise fail(unknown[0], "unknown key: use notify and rules")
    notify = data.get("notify") or {}
    if not isinstance(notify, dict) or set(notify) - {"min_severity", "address"}:
        raise fail("notify", "expected a mapping with min_severity and address")
    min_severity = notify.get("min_severity", "medium")
    if min_severity not in SEVERITIES:
        raise fail("notify.min_severity", f"must be one of {', '.join(SEVERITIES)}")
    address = notify.get("address")
    if address is not None and (not isinstance(address, str) or "@" not in address):
        raise fail("notify.address", "must be an e-mail address or null")
    entries = data.get("rules")
    if not isinstance(entries, list) or not entries:
        raise fail("rules", "expected a non-empty list of rules")
    rules: list[SecurityRule] = []
    for i, entry in enumerate(entries):
        rule = _rule(entry, f"rules[{i}]", fail)
        if any(r.rule_id == rule.rule_id for r in rules):
            raise fail(f"rules[{i}].id", f"{rule.rule_id!r} is used twice: ids must be unique")
        rules.append(rule)
    return SecurityConfig(tuple(rules), min_severity, address)


def _rule(entry: Any, where: str, fail) -> SecurityRule:
    if not isinstance(entry, dict):
        raise fail(where, "expected a mapping with id, description, match, window, min_count")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise fail(f"{where}.id", "must be a lower-case identifier such as failed_logins")
    where = f"{where} ({rule_id})"
    unknown = sorted(set(entry) - set(RULE_KEYS))
    if unknown:
        raise fail(f"{where}.{unknown[0]}", f"unknown key: use {', '.join(RULE_KEYS)}")
    description = entry.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail(f"{where}.description", "say in a few words what the rule finds")
    window = str(entry.get("window", ""))
    found = _WINDOW.match(window)
    minutes = int(found.group(1)) * {"m": 1, "h": 60, "d": 1440}[found.group(2)] if found else 0
    if not found or minutes > _WINDOW_LIMIT_MINUTES:
        raise fail(f"{where}.window", "must be a duration such as 15m, 1h or 1d (at most 31d)")
    min_count = entry.get("min_count")
    if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
        raise fail(f"{where}.min_count", "must be a whole number of events, at least 1")
    severity = entry.get("severity", "medium")
    if severity not in SEVERITIES:
        raise fail(f"{where}.severity", f"must be one of {', '.join(SEVERITIES)}")
    return SecurityRule(
        rule_id,
        " ".join(description.split()),
        _match(entry.get("match"), f"{where}.match", fail),
        window,
        min_count,
        severity,
    )


def _match(section: Any, where: str, fail) -> Match:
    if not isinstance(section, dict) or not section:
        raise fail(where, f"expected a mapping with some of {', '.join(MATCH_KEYS)}")
    unknown = sorted(set(section) - set(MATCH_KEYS))
    if unknown:
        raise fail(f"{where}.{unknown[0]}", f"unknown condition: use {', '.join(MATCH_KEYS)}")
    lists = {}
    for key, allowed in (("actions", ACTIONS), ("outcomes", OUTCOMES)):
        values = section.get(key, [])
        if not isinstance(values, list) or any(v not in allowed for v in values):
            raise fail(f"{where}.{key}", f"must be a list of {', '.join(allowed)}")
        lists[key] = tuple(values)
    flags = {}
    for key in ("outside_working_hours", "outside_own_teams"):
        value = section.get(key, False)
        if not isinstance(value, bool):
            raise fail(f"{where}.{key}", "must be true or false")
        flags[key] = value
    min_rows = section.get("min_rows")
    if min_rows is not None and (
        not isinstance(min_rows, int) or isinstance(min_rows, bool) or min_rows < 1
    ):
        raise fail(f"{where}.min_rows", "must be a whole number of rows, at least 1")
    return Match(min_rows=min_rows, **lists, **flags)
