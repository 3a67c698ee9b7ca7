"""Subject access (LGPD art. 18 II, GDPR art. 15): everything held about one data subject.

The identifier (phone, e-mail or pseudonym) is turned into its pseudonym the way silver does it
(phones normalised to E.164, directory aliases applied), then every silver, gold and audit row
that names the pseudonym (or a conversation, alert or review of theirs) is written as JSON and CSV
per table, with a ``manifest.json`` of SHA-256 hashes. The export itself is logged in
audit.access_log (action ``subject_export``), granted or refused, with pseudonyms only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from data_contracts.registry import load_contracts
from pipelines import lake
from pipelines.governance.access_log import (
    DENIED,
    GRANTED,
    TOKEN,
    AccessEvent,
    append_events,
    describe,
)
from pipelines.governance.access_policy import AccessPolicy
from pipelines.governance.holds import TOKEN_COLUMNS
from pipelines.privacy.pseudonyms import Pseudonymizer

ACTION = "subject_export"
PERMISSION = "reidentify"  # the same roles that may see who a pseudonym stands for
LAYERS = ("silver", "gold", "audit")


class ExportRefused(Exception):
    """The export was refused or found nothing; no file was written. Says what to do."""


@dataclass(frozen=True)
class SubjectExport:
    token: str
    out_dir: Path
    files: dict[str, str]  # file name -> sha256
    rows: dict[str, int]  # table -> rows exported
    event_id: str


def resolve_subject(identifier: str, pseudonymizer: Pseudonymizer, region: str = "BR") -> str:
    """The pseudonym of a phone, an e-mail or a pseudonym (returned as is)."""
    value = (identifier or "").strip()
    if TOKEN.fullmatch(value):
        return value
    if "@" in value:
        return pseudonymizer.token_for_email(value)
    token = pseudonymizer.token_for_phone(value, region) if value else None
    if token is None:
        raise ExportRefused(
            "--subject must be a phone number, an e-mail address or a pseudonym (P-…); "
            "the value given is none of these"
        )
    return token


def subject_tables(base: str | None = None) -> list[str]:
    """Tables with a contract in silver, gold or audit that exist (vault excluded)."""
    names = sorted(t for t in load_contracts() if t.split(".")[0] in LAYERS)
    return [t for t in names if lake.table_exists(t, base)]


def collect_rows(token: str, base: str | None = None) -> dict[str, pl.DataFrame]:
    """Rows naming ``token`` per table (tables without any are left out)."""
    found: dict[str, pl.DataFrame] = {}
    for table in subject_tables(base):
        scan = lake.scan_table(table, base)
        columns = scan.collect_schema().names()
        wanted = [pl.col(c) == token for c in TOKEN_COLUMNS if c in columns]
        if not wanted:
            continue
        rows = scan.filter(pl.any_horizontal(wanted).fill_null(False)).collect()
        if rows.height:
            found[table] = rows
    alerts = found.get("gold.alerts")
    if alerts is not None and lake.table_exists("gold.alert_reviews", base):
        ids = alerts.get_column("alert_id").to_list()
        reviews = lake.scan_table("gold.alert_reviews", base)
        reviews = reviews.filter(pl.col("alert_id").is_in(ids)).collect()
        if reviews.height:
            found["gold.alert_reviews"] = reviews
    return found


def _write(frame: pl.DataFrame, folder: Path, table: str) -> dict[str, str]:
    hashes = {}
    json_path, csv_path = folder / f"{table}.json", folder / f"{table}.csv"
    json_path.write_text(
        json.dumps(frame.to_dicts(), ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    flat = frame.with_columns(
        pl.col(c).cast(pl.List(pl.Utf8)).list.join("|")
        for c, dtype in frame.schema.items()
        if isinstance(dtype, pl.List)
    )
    flat.write_csv(csv_path)
    for path in (json_path, csv_path):
        hashes[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def export_subject(
    identifier: str,
    out_dir: Path,
    *,
    user: str,
    reason: str,
    policy: AccessPolicy,
    pseudonymizer: Callable[[], Pseudonymizer],
    region: str = "BR",
    base: str | None = None,
) -> SubjectExport:
    """Write the subject's rows to ``out_dir`` and log it; :class:`ExportRefused` if refused."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ExportRefused(f"{out_dir} is not empty: give a new folder with --out")
    role = policy.role_of(user)

    def refuse(detail: str, message: str, token: str | None = None) -> ExportRefused:
        event = AccessEvent(
            user=user.strip(),
            role=role,
            action=ACTION,
            outcome=DENIED,
            token=token,
            reason=reason or None,
            detail=detail,
        )
        append_events([event], base=base)
        return ExportRefused(f"{message} (attempt logged as access event {event.event_id})")

    if not policy.may(role, PERMISSION):
        allowed = ", ".join(policy.roles_with(PERMISSION)) or "none"
        detail = "unknown_user" if role is None else "role_not_allowed"
        raise refuse(detail, f"a subject export needs one of the roles {allowed} in {policy.path}")
    problem = policy.reason_problem(reason)
    if problem:
        raise refuse(
            problem,
            f"a written --reason of at least {policy.min_reason_chars} characters is required "
            "(e.g. the request's protocol number)",
        )
    token = resolve_subject(identifier, pseudonymizer(), region)
    found = collect_rows(token, base)
    if not set(found) - {"audit.access_log"}:  # past export attempts alone are not data
        raise refuse(
            "unknown_subject",
            "no silver or gold table holds rows about this subject: check the identifier "
            "(phones with area code, or the pseudonym shown in the dashboards)",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    for table, frame in found.items():
        files.update(_write(frame, out_dir, table))
    rows = {table: frame.height for table, frame in found.items()}
    event = AccessEvent(
        user=user.strip(),
        role=role,
        action=ACTION,
        outcome=GRANTED,
        token=token,
        reason=reason,
        what=describe(None, None, [token], rows=rows, files=files),
    )
    manifest = {
        "subject": token,
        "exported_at": datetime.now(UTC).isoformat(),
        "exported_by": user.strip(),
        "access_event_id": event.event_id,
        "rows": rows,
        "files": [{"name": n, "sha256": h} for n, h in sorted(files.items())],
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    append_events([event], base=base)
    return SubjectExport(token, out_dir, files, rows, event.event_id)
