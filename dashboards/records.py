"""Reads and writes that touch message text, alerts and governance records, with the same rules
as :mod:`dashboards.data`: permission checked on every call, teams narrowed to the viewer's,
and every view of message text, export, review and re-identification logged in audit.access_log.

Without ``view_messages`` (analysts) every function that would return message text raises
:class:`~dashboards.roles.NotAllowed`; alert lists come without their snippet column.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl

from dashboards import alert_queue, audit, evidence, exports, metrics
from dashboards.data import (
    SCORES,
    Filters,
    access_policy,
    lakehouse_uri,
    scoped_read,
    score_counts,
    timezone,
)
from dashboards.roles import NotAllowed, Viewer
from pipelines import lake
from pipelines.governance.access_log import DENIED, EXPORT, describe, read_access_log
from pipelines.governance.reidentification import Reidentified, reidentify

MESSAGES = "silver.messages"
FLAGGED_COLUMNS = [
    "sent_at", "team", "employee_token", "counterpart_token", "severity", "score",
    "categories", "rule_ids", "text_redacted",
]
EVIDENCE_LOOKBACK_DAYS = 7


# Flagged messages -------------------------------------------------------------------------------

def message_scores(viewer: Viewer, f: Filters) -> pl.DataFrame:
    """Flagged messages with their text, ``sent_at`` local, highest score first (not logged:
    the functions that show them log what they show)."""
    rows = scoped_read(viewer, SCORES, f, permission="view_messages")
    return rows.with_columns(pl.col("sent_at").dt.convert_time_zone(timezone())).sort(
        ["score", "sent_at"], descending=[True, True]
    )


def flagged_categories(viewer: Viewer, f: Filters) -> list[str]:
    return metrics.category_options(score_counts(viewer, f))


def flagged(
    viewer: Viewer, f: Filters, categories: list[str], severities: list[str]
) -> pl.DataFrame:
    scores = metrics.filter_scores(message_scores(viewer, f), categories, severities)
    shown = scores.select(FLAGGED_COLUMNS)
    audit.frame_shown(viewer, "flagged", SCORES, {**f.describe(), "categories": categories,
                                          "severities": severities}, shown)
    return shown


def latest_flagged(viewer: Viewer, f: Filters, limit: int = 10) -> pl.DataFrame:
    latest = message_scores(viewer, f).sort("sent_at", descending=True).head(limit)
    shown = latest.select(FLAGGED_COLUMNS)
    audit.frame_shown(viewer, "latest_flagged", SCORES, {**f.describe(), "limit": limit}, shown)
    return shown


def category_counts(flagged_messages: pl.DataFrame) -> pl.DataFrame:
    return metrics.category_counts(flagged_messages)


# Evidence ---------------------------------------------------------------------------------------

def _messages(viewer: Viewer, start: date, end: date, where: pl.Expr) -> pl.DataFrame:
    """silver.messages rows of the viewer's teams between two dates matching ``where``."""
    viewer.require("view_evidence")
    base = lakehouse_uri()
    if not lake.table_exists(MESSAGES, base):
        return pl.DataFrame()
    scan = lake.scan_table(MESSAGES, base).filter(
        pl.col("event_date").is_between(start, end) & where
    )
    scope = viewer.team_scope()
    if scope is not None:
        scan = scan.filter(pl.col("team").is_in(list(scope)))
    return scan.collect().with_columns(pl.col("sent_at").dt.convert_time_zone(timezone()))


def evidence_for_alert(
    viewer: Viewer, alert_id: str, context: int = evidence.CONTEXT_MESSAGES
) -> pl.DataFrame:
    """The redacted thread around an alert's messages (``context`` messages either side)."""
    viewer.require("view_evidence")
    found = alert_queue.alert(viewer, alert_id)
    if found is None:
        return pl.DataFrame(schema={name: pl.Utf8 for name in evidence.THREAD_COLUMNS})
    start = found["first_seen"].date() - timedelta(days=EVIDENCE_LOOKBACK_DAYS)
    end = found["last_seen"].date() + timedelta(days=1)
    if found.get("chat_id"):
        where = pl.col("chat_id") == found["chat_id"]
    else:
        where = (pl.col("employee_token") == found["employee_token"]) & (
            pl.col("counterpart_token") == found["counterpart_token"])
    thread = evidence.around(_messages(viewer, start, end, where), found["message_ids"], context)
    audit.frame_shown(viewer, "evidence", MESSAGES, {"alert_id": alert_id, "context": context},
                      thread)
    return thread


def evidence_between(viewer: Viewer, employee: str, counterpart: str, f: Filters) -> pl.DataFrame:
    """Every redacted message between two parties in the selected dates."""
    where = (pl.col("employee_token") == employee) & (pl.col("counterpart_token") == counterpart)
    thread = evidence.between(_messages(viewer, f.start, f.end, where), employee, counterpart)
    audit.frame_shown(viewer, "evidence", MESSAGES, {"employee_token": employee,
                                            "counterpart_token": counterpart,
                                            "start": f.start, "end": f.end}, thread)
    return thread


def attachments(thread: pl.DataFrame) -> pl.DataFrame:
    return evidence.attachments(thread)


def export_evidence(
    viewer: Viewer, thread: pl.DataFrame, subject: dict, reason: str
) -> exports.Bundle:
    """The thread as a zip with a SHA-256 manifest, for a written reason; logged first."""
    viewer.require("view_evidence")
    policy = access_policy()
    tokens = thread["sender_token"].drop_nulls().unique().to_list() if thread.height else []
    if problem := policy.reason_problem(reason):
        audit.write(viewer, EXPORT, describe(MESSAGES, subject, tokens), reason=reason or None,
                    outcome=DENIED, detail=problem)
        raise NotAllowed(
            f"write why you export this evidence (at least {policy.min_reason_chars} "
            "characters: case, request, legal basis)"
        )
    metadata = {"exported_by": viewer.user, "role": viewer.role, "reason": reason.strip(),
                "exported_at": datetime.now(UTC).isoformat(), "subject": subject,
                "messages": thread.height, "timezone": timezone()}
    result = exports.evidence_bundle(thread, evidence.attachments(thread), metadata)
    audit.write(viewer, EXPORT, describe(MESSAGES, subject, tokens, files=result.files,
                                         manifest_sha256=result.manifest_sha256,
                                         rows=thread.height), reason=reason.strip())
    return result


# Re-identification, access log, data quality ----------------------------------------------------

def reidentify_token(viewer: Viewer, token: str, reason: str) -> Reidentified:
    """Through pipelines.governance.reidentification, which checks the role and the reason and
    logs the attempt (granted or denied) before answering; AccessDenied says why."""
    from pipelines.privacy.keyring import load_keyring
    from pipelines.privacy.vault import Vault

    base = lakehouse_uri()
    return reidentify(
        token, viewer.user, reason, policy=access_policy(),
        open_vault=lambda: Vault(load_keyring(), base), base=base,
        origin={**viewer.origin(), "page": viewer.page or None},
    )


def access_log(
    viewer: Viewer, since: datetime, until: datetime, users: list[str] = (),
    actions: list[str] = (),
) -> pl.DataFrame:
    viewer.require("view_access_log")
    log = read_access_log(lakehouse_uri(), since=since, until=until, users=users,
                          actions=actions)
    return log.with_columns(pl.col("at").dt.convert_time_zone(timezone())).sort(
        "at", descending=True)
