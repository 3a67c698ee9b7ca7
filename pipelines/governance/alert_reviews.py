"""gold.alert_reviews: what reviewers did with each alert, one appended row per action.

Never updated: an alert's current state is its latest row (by ``at``). Every row carries the
state *after* the action (``status``, ``assignee``, ``outcome``), so a reader needs only that row:
a note on a resolved alert keeps its outcome, a reopen clears it. gold.misconduct_trend_weekly
counts confirmed and false positives from the latest row; the detection evaluation reads the
false positives. Notes are checked for e-mails, CPFs and phone numbers in clear (write the
pseudonym instead); nothing here logs note text.

Actions and the states they are allowed from:

============  =========================================  ====================================
action        allowed when the alert is                  afterwards
============  =========================================  ====================================
claim         open, in_review, escalated                 in_review, assignee = the reviewer
assign        open, in_review, escalated                 in_review, assignee = given login
escalate      open, in_review                            escalated (a note is required)
resolve       open, in_review, escalated                 resolved with an outcome
reopen        resolved                                   open (a note is required)
note          any                                        unchanged
============  =========================================  ====================================
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

from pipelines import lake
from pipelines.governance.access_log import (
    DENIED,
    GRANTED,
    REVIEW,
    AccessEvent,
    append_events,
    describe,
)
from pipelines.governance.access_policy import AccessPolicy
from pipelines.quality.table_rules import PII_PATTERNS

ALERT_REVIEWS_TABLE = "gold.alert_reviews"
ALERT_REVIEWS_SCHEMA = {
    "review_id": pl.Utf8,
    "alert_id": pl.Utf8,
    "at": pl.Datetime("us", "UTC"),
    "user": pl.Utf8,
    "role": pl.Utf8,
    "action": pl.Utf8,
    "status": pl.Utf8,
    "assignee": pl.Utf8,
    "outcome": pl.Utf8,
    "note": pl.Utf8,
}
OPEN, IN_REVIEW, ESCALATED, RESOLVED = "open", "in_review", "escalated", "resolved"
STATUSES = (OPEN, IN_REVIEW, ESCALATED, RESOLVED)
OUTCOMES = ("confirmed", "false_positive", "no_action")
ALLOWED_FROM = {
    "claim": (OPEN, IN_REVIEW, ESCALATED),
    "assign": (OPEN, IN_REVIEW, ESCALATED),
    "escalate": (OPEN, IN_REVIEW),
    "resolve": (OPEN, IN_REVIEW, ESCALATED),
    "reopen": (RESOLVED,),
    "note": STATUSES,
}
ACTIONS = tuple(ALLOWED_FROM)
NOTE_REQUIRED = ("escalate", "reopen", "note")
MAX_NOTE_CHARS = 2000
PERMISSION = "review_alerts"
# pseudonyms, ids and typed placeholders are removed before looking for PII (their hex digits)
_IDS = r"\[[A-Z_]+ [A-Z]-[0-9a-f]{12,16}\]|\b[A-Z]-[0-9a-f]{12,16}\b|\b[0-9a-f]{16,64}\b"


class ReviewError(Exception):
    """The action was refused; the message says why and what to do (never the note text)."""


@dataclass(frozen=True)
class AlertState:
    status: str = OPEN
    assignee: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class ReviewAction:
    alert_id: str
    action: str
    user: str
    assignee: str | None = None
    outcome: str | None = None
    note: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    review_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def next_state(state: AlertState, action: ReviewAction) -> AlertState:
    """The state after ``action``; ReviewError when the action is not allowed now."""
    if action.action not in ALLOWED_FROM:
        raise ReviewError(f"unknown review action {action.action!r}; use one of {ACTIONS}")
    if state.status not in ALLOWED_FROM[action.action]:
        allowed = ", ".join(ALLOWED_FROM[action.action])
        raise ReviewError(
            f"alert {action.alert_id} is {state.status}: {action.action} is allowed only when "
            f"it is {allowed} (reload the queue: someone may have acted on it)"
        )
    note = " ".join((action.note or "").split())
    if action.action in NOTE_REQUIRED and not note:
        raise ReviewError(f"{action.action} needs a note saying why")
    if len(note) > MAX_NOTE_CHARS:
        raise ReviewError(f"the note is longer than {MAX_NOTE_CHARS} characters: shorten it")
    if pii := pii_in_note(note):
        raise ReviewError(
            f"the note holds {pii} in clear: refer to people by their pseudonym (P-…) instead"
        )
    match action.action:
        case "claim":
            return AlertState(IN_REVIEW, action.user)
        case "assign":
            if not (action.assignee or "").strip():
                raise ReviewError("assign needs the login of the reviewer to assign")
            return AlertState(IN_REVIEW, action.assignee.strip())
        case "escalate":
            return AlertState(ESCALATED, state.assignee)
        case "resolve":
            if action.outcome not in OUTCOMES:
                raise ReviewError(f"resolve needs an outcome: one of {', '.join(OUTCOMES)}")
            return AlertState(RESOLVED, state.assignee, action.outcome)
        case "reopen":
            return AlertState(OPEN, None)
    return state  # note


def pii_in_note(note: str) -> str | None:
    """The kind of the first e-mail / CPF / phone number found in clear, else None."""
    text = re.sub(_IDS, " ", note)
    for kind, pattern in PII_PATTERNS.items():
        if re.search(pattern, text):
            return kind
    return None


def read_reviews(base: str | None = None) -> pl.DataFrame:
    """Every review row, oldest first (an empty frame with the schema before the first)."""
    if not lake.table_exists(ALERT_REVIEWS_TABLE, base):
        return pl.DataFrame(schema=ALERT_REVIEWS_SCHEMA)
    return lake.read_table(ALERT_REVIEWS_TABLE, base).sort("at", "review_id")


def current_states(reviews: pl.DataFrame) -> pl.DataFrame:
    """One row per reviewed alert: its latest row's status, assignee, outcome, who and when."""
    return (
        reviews.sort("at", "review_id")
        .group_by("alert_id", maintain_order=True)
        .last()
        .select(
            "alert_id",
            "status",
            "assignee",
            "outcome",
            pl.col("at").alias("reviewed_at"),
            pl.col("user").alias("reviewed_by"),
        )
    )


def state_of(alert_id: str, reviews: pl.DataFrame) -> AlertState:
    rows = reviews.filter(pl.col("alert_id") == alert_id).sort("at", "review_id")
    if rows.is_empty():
        return AlertState()
    last = rows.row(-1, named=True)
    return AlertState(last["status"], last["assignee"], last["outcome"])


def record_review(
    action: ReviewAction,
    *,
    policy: AccessPolicy,
    alert_exists: Callable[[str], bool],
    base: str | None = None,
    origin: dict[str, str] | None = None,
    page: str | None = None,
) -> AlertState:
    """Check and append one review action, and log it in audit.access_log (refusals too).

    The audit row is written first: if it cannot be written, no review is recorded.
    """

    def log(outcome: str, detail: str | None) -> None:
        what = describe(
            ALERT_REVIEWS_TABLE,
            {"alert_id": action.alert_id},
            [],
            action=action.action,
            outcome=action.outcome,
            assignee=action.assignee,
        )
        event = AccessEvent(
            user=action.user,
            role=policy.role_of(action.user),
            action=REVIEW,
            outcome=outcome,
            detail=detail,
            page=page,
            what=what,
            **(origin or {}),
        )
        append_events([event], base)

    role = policy.role_of(action.user)
    if not policy.may(role, PERMISSION):
        log(DENIED, "role_not_allowed")
        allowed = ", ".join(policy.roles_with(PERMISSION)) or "none"
        raise ReviewError(f"only these roles may review alerts: {allowed}")
    if not alert_exists(action.alert_id):
        log(DENIED, "unknown_alert")
        raise ReviewError(f"alert {action.alert_id} is not in gold.alerts: reload the queue")
    if action.action == "assign" and policy.role_of(action.assignee) is None:
        log(DENIED, "unknown_assignee")
        raise ReviewError("assign: that login is not in the access file")
    try:
        after = next_state(state_of(action.alert_id, read_reviews(base)), action)
    except ReviewError as exc:
        log(DENIED, "invalid_action")
        raise exc
    log(GRANTED, None)
    note = " ".join((action.note or "").split()) or None
    row = {
        "review_id": action.review_id,
        "alert_id": action.alert_id,
        "at": action.at,
        "user": action.user,
        "role": role,
        "action": action.action,
        "status": after.status,
        "assignee": after.assignee,
        "outcome": after.outcome,
        "note": note,
    }
    lake.append(pl.DataFrame([row], schema=ALERT_REVIEWS_SCHEMA), ALERT_REVIEWS_TABLE, base=base)
    return after
