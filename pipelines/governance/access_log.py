"""audit.access_log: one row per access to personal data or attempt at it, granted or not.

Append-only. Written by `vigia reidentify`, `vigia vault rotate-key` and the dashboards (logins,
page views, filters that reveal message text, exports, alert reviews, re-identification), all
with the same columns. Rows carry pseudonyms, never identities; `reason` is what the person
typed; `what` is compact JSON naming the table, the filters and the pseudonyms shown.

Rows are hash-chained in append order (``sequence``, ``record_sha256``, ``chain_sha256``; see
``pipelines.governance.access_chain``) and checked by `vigia verify`.
"""

from __future__ import annotations

import getpass
import json
import re
import socket
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

from pipelines import lake
from pipelines.governance.access_chain import (
    CHAIN_SCHEMA,
    AccessLogBreak,
    AccessLogVerification,
    Anchors,
    chain_rows,
    verify_chain,
)

ACCESS_LOG_TABLE = "audit.access_log"
ACCESS_LOG_SCHEMA = {
    "event_id": pl.Utf8,
    "at": pl.Datetime("us", "UTC"),
    "user": pl.Utf8,  # as authenticated (CLI: --user; dashboards: login)
    "role": pl.Utf8,  # null when the user is unknown
    "action": pl.Utf8,  # reidentify | rotate_vault_key | login | page_view | export | …
    "token": pl.Utf8,  # pseudonym concerned, if any (only token-shaped values)
    "reason": pl.Utf8,
    "outcome": pl.Utf8,  # granted | denied | error
    "detail": pl.Utf8,  # why denied or failed, as a code (e.g. no_reason, role_not_allowed)
    "page": pl.Utf8,  # dashboards page; null for the CLI
    "what": pl.Utf8,  # table, filters, pseudonyms shown (dashboards)
    "host": pl.Utf8,  # workstation host name, or client address
    "client": pl.Utf8,  # "vigia-cli (os user …)" or a browser user agent
}
# the stored table: the event columns, then the hash chain
STORED_SCHEMA = {**ACCESS_LOG_SCHEMA, **CHAIN_SCHEMA}
GRANTED, DENIED, ERROR = "granted", "denied", "error"
# dashboards actions (the CLI writes reidentify and rotate_vault_key)
LOGIN, LOGOUT, PAGE_VIEW = "login", "logout", "page_view"
VIEW_MESSAGES, EXPORT, REVIEW = "view_messages", "export", "review"
MAX_TOKENS_LISTED = 200
TOKEN = re.compile(r"P-[0-9a-f]{12}")


def workstation() -> str:
    return socket.gethostname() or "unknown"


def cli_client() -> str:
    try:
        return f"vigia-cli (os user {getpass.getuser()})"
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "vigia-cli"


@dataclass(frozen=True)
class AccessEvent:
    user: str
    role: str | None
    action: str
    outcome: str
    token: str | None = None
    reason: str | None = None
    detail: str | None = None
    page: str | None = None
    what: str | None = None
    host: str = field(default_factory=workstation)
    client: str = field(default_factory=cli_client)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def describe(
    table: str | None = None,
    filters: Mapping[str, object] | None = None,
    tokens: Iterable[str] = (),
    **extra: object,
) -> str:
    """The ``what`` of an event: JSON with the table, the filters (dates as ISO strings) and the
    pseudonyms shown (sorted, at most MAX_TOKENS_LISTED, with the total count)."""
    shown = sorted({t for t in tokens if isinstance(t, str) and TOKEN.fullmatch(t)})
    body: dict[str, object] = {"table": table, "filters": dict(filters or {})}
    if shown:
        body["pseudonyms"] = shown[:MAX_TOKENS_LISTED]
        body["pseudonym_count"] = len(shown)
    body.update(extra)
    return json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)


def _last_link(base: str | None) -> tuple[int, str | None]:
    """Sequence and chain of the last stored row ((0, None) for an empty or new log)."""
    if not lake.table_exists(ACCESS_LOG_TABLE, base):
        return 0, None
    last = (
        lake.scan_table(ACCESS_LOG_TABLE, base)
        .select("sequence", "chain_sha256")
        .sort("sequence", descending=True, nulls_last=True)
        .head(1)
        .collect()
    )
    return (0, None) if last.is_empty() else (int(last["sequence"][0]), last["chain_sha256"][0])


def append_events(events: Sequence[AccessEvent], base: str | None = None) -> int:
    """Append events to audit.access_log (created on first use), chained after the last stored
    row. Returns rows written. Two processes appending at the same instant may chain from the
    same row; `vigia verify` reports that as a duplicated sequence (no lock is taken)."""
    frame = pl.DataFrame(
        {name: [getattr(e, name) for e in events] for name in ACCESS_LOG_SCHEMA},
        schema=ACCESS_LOG_SCHEMA,
    )
    if frame.is_empty() and lake.table_exists(ACCESS_LOG_TABLE, base):
        return 0
    sequence, chain = _last_link(base)
    chained = chain_rows(frame, list(ACCESS_LOG_SCHEMA), sequence, chain)
    return lake.append(chained.select(list(STORED_SCHEMA)), ACCESS_LOG_TABLE, base=base)


def verify_access_log(
    base: str | None = None, anchors: Anchors | None = None
) -> AccessLogVerification:
    """Recompute the chain of audit.access_log; breaks name sequences only (no row content)."""
    result = AccessLogVerification(ACCESS_LOG_TABLE)
    if not lake.table_exists(ACCESS_LOG_TABLE, base):
        return result
    rows = lake.read_table(ACCESS_LOG_TABLE, base)
    absent = [c for c in STORED_SCHEMA if c not in rows.columns]
    result.rows = rows.height
    if absent:
        result.breaks = [
            AccessLogBreak(None, f"columns {', '.join(absent)} are missing: no hash chain")
        ]
    elif rows.height:
        result.breaks = verify_chain(rows, list(ACCESS_LOG_SCHEMA), anchors)
    return result


def read_access_log(
    base: str | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    users: Sequence[str] = (),
    actions: Sequence[str] = (),
) -> pl.DataFrame:
    """The log, oldest first, optionally between two instants (inclusive) and for some users
    and actions (empty frame with the schema when nothing was logged yet)."""
    if not lake.table_exists(ACCESS_LOG_TABLE, base):
        return pl.DataFrame(schema=ACCESS_LOG_SCHEMA)
    scan = lake.scan_table(ACCESS_LOG_TABLE, base)
    if since is not None:
        scan = scan.filter(pl.col("at") >= since)
    if until is not None:
        scan = scan.filter(pl.col("at") <= until)
    if users:
        scan = scan.filter(pl.col("user").is_in(list(users)))
    if actions:
        scan = scan.filter(pl.col("action").is_in(list(actions)))
    return scan.select(list(ACCESS_LOG_SCHEMA)).collect().sort("at")
