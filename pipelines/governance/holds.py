"""audit.legal_holds: legal holds on a data subject (pseudonym) or a conversation (chat id).

Append-only: placing and releasing a hold each add a row; a hold's current state is its latest
row. Held data survives retention (``pipelines.governance.retention``) until the hold is
released or its ``until`` date has passed. Rows carry pseudonyms and chat ids, never identities.
Only roles with the ``legal_hold`` permission in the access file may place or release holds;
every refusal raises :class:`HoldError` before anything is written.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import polars as pl

from pipelines import lake
from pipelines.governance.access_log import TOKEN
from pipelines.governance.access_policy import AccessPolicy

LEGAL_HOLDS_TABLE = "audit.legal_holds"
PERMISSION = "legal_hold"
SUBJECT, CONVERSATION = "subject", "conversation"
PLACED, RELEASED = "placed", "released"
CHAT_ID = re.compile(r"C-[0-9a-f]{16}")
LEGAL_HOLDS_SCHEMA = {
    "hold_id": pl.Utf8,  # H- + 12 hex, shared by the placing and the release rows
    "action": pl.Utf8,  # placed | released
    "scope": pl.Utf8,  # subject | conversation
    "target": pl.Utf8,  # a pseudonym (P-…) or a chat id (C-…)
    "until": pl.Date,  # the hold lapses after this date
    "reason": pl.Utf8,
    "user": pl.Utf8,
    "role": pl.Utf8,
    "at": pl.Datetime("us", "UTC"),
}


class HoldError(Exception):
    """A hold request was refused; nothing was written. The message says what to do."""


@dataclass(frozen=True)
class Holds:
    """Holds in force on a date: the pseudonyms and chat ids they protect."""

    subjects: frozenset[str]
    conversations: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.subjects or self.conversations)


def parse_until(text: str, today: date) -> date:
    try:
        until = date.fromisoformat((text or "").strip())
    except ValueError:
        raise HoldError(f"--until {text!r} is not a date: write it as YYYY-MM-DD") from None
    if until < today:
        raise HoldError(f"--until {until} is in the past (today is {today}): give a later date")
    return until


def read_holds(base: str | None = None) -> pl.DataFrame:
    """Every row ever written, oldest first (empty frame with the schema when none)."""
    if not lake.table_exists(LEGAL_HOLDS_TABLE, base):
        return pl.DataFrame(schema=LEGAL_HOLDS_SCHEMA)
    return lake.read_table(LEGAL_HOLDS_TABLE, base).sort("at")


def current_holds(base: str | None = None) -> pl.DataFrame:
    """The latest row of every hold (placed or released), newest first."""
    rows = read_holds(base)
    latest = rows.group_by("hold_id", maintain_order=True).last()
    return latest.sort("at", descending=True)


def holds_in_force(on: date, base: str | None = None) -> Holds:
    """Holds placed, not released, and whose ``until`` is on or after ``on``."""
    active = current_holds(base).filter((pl.col("action") == PLACED) & (pl.col("until") >= on))
    by_scope = {
        scope: frozenset(active.filter(pl.col("scope") == scope).get_column("target").to_list())
        for scope in (SUBJECT, CONVERSATION)
    }
    return Holds(by_scope[SUBJECT], by_scope[CONVERSATION])


def _authorise(policy: AccessPolicy, user: str, reason: str) -> str:
    role = policy.role_of(user)
    if role is None:
        raise HoldError(
            f"user {user.strip() or '(none)'!r} is not in {policy.path}: "
            "pass --user with your login"
        )
    if not policy.may(role, PERMISSION):
        allowed = ", ".join(policy.roles_with(PERMISSION)) or "none"
        raise HoldError(
            f"role {role!r} may not place or release legal holds: needs one of {allowed} "
            f"({PERMISSION} in {policy.path})"
        )
    problem = policy.reason_problem(reason)
    if problem:
        raise HoldError(
            f"a written --reason of at least {policy.min_reason_chars} characters is required "
            f"({problem}); cite the case or request"
        )
    return role


def place_hold(
    policy: AccessPolicy,
    user: str,
    *,
    scope: str,
    target: str,
    reason: str,
    until: str,
    today: date | None = None,
    base: str | None = None,
) -> dict:
    """Place a hold and return its row; raises :class:`HoldError` (nothing written) if refused."""
    role = _authorise(policy, user, reason)
    target = (target or "").strip()
    if scope == SUBJECT and not TOKEN.fullmatch(target):
        raise HoldError(
            "--subject takes a pseudonym like P-3f9a1c2b4d5e (find it with the dashboards or "
            "`vigia export-subject`), not a name, phone or e-mail"
        )
    if scope == CONVERSATION and not CHAT_ID.fullmatch(target):
        raise HoldError("--conversation takes a chat id like C-0123456789abcdef")
    if scope not in (SUBJECT, CONVERSATION):
        raise HoldError(f"scope must be {SUBJECT} or {CONVERSATION}")
    row = {
        "hold_id": f"H-{uuid.uuid4().hex[:12]}",
        "action": PLACED,
        "scope": scope,
        "target": target,
        "until": parse_until(until, today or datetime.now(UTC).date()),
        "reason": " ".join(reason.split()),
        "user": user.strip(),
        "role": role,
        "at": datetime.now(UTC),
    }
    lake.append(pl.DataFrame([row], schema=LEGAL_HOLDS_SCHEMA), LEGAL_HOLDS_TABLE, base=base)
    return row


def release_hold(
    policy: AccessPolicy, user: str, hold_id: str, *, reason: str, base: str | None = None
) -> dict:
    """Release a hold in force and return the release row; :class:`HoldError` if refused."""
    role = _authorise(policy, user, reason)
    hold_id = (hold_id or "").strip()
    found = current_holds(base).filter(pl.col("hold_id") == hold_id)
    if found.is_empty():
        raise HoldError(f"no legal hold {hold_id!r}: `vigia hold list` shows the hold ids")
    latest = found.row(0, named=True)
    if latest["action"] == RELEASED:
        raise HoldError(f"legal hold {hold_id} was already released on {latest['at']:%Y-%m-%d}")
    row = {
        **latest,
        "action": RELEASED,
        "reason": " ".join(reason.split()),
        "user": user.strip(),
        "role": role,
        "at": datetime.now(UTC),
    }
    lake.append(pl.DataFrame([row], schema=LEGAL_HOLDS_SCHEMA), LEGAL_HOLDS_TABLE, base=base)
    return row


def held_rows(frame_columns: list[str], holds: Holds) -> pl.Expr | None:
    """True for rows under a hold, given a table's columns (None: the table cannot hold any)."""
    token_columns = [c for c in TOKEN_COLUMNS if c in frame_columns]
    parts = [pl.col(c).is_in(list(holds.subjects)).fill_null(False) for c in token_columns]
    if "chat_id" in frame_columns and holds.conversations:
        parts.append(pl.col("chat_id").is_in(list(holds.conversations)).fill_null(False))
    if not parts or not holds:
        return None
    return pl.any_horizontal(parts)


# Columns that carry a data subject's pseudonym in silver, gold and audit tables.
TOKEN_COLUMNS = (
    "employee_token",
    "counterpart_token",
    "sender_token",
    "person_token",
    "number_token",
    "token",
)
