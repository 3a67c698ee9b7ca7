"""Retention by purpose: delete rows older than their table's retention, except rows under a
legal hold, vacuum the removed files, and record what was removed in audit.erasure_log.

The policy is data (``config/governance.yaml``, or VIGIA_GOVERNANCE_FILE). Ages are measured on
each table's date column (``event_date``, the partition column, unless the file says otherwise).
Bronze rows are held through silver: a bronze record is kept when the silver row built from it
(``bronze_record_id``) is under a hold. audit.erasure_log holds counts per table and date only.
"""

from __future__ import annotations

import calendar
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import yaml

from pipelines import lake
from pipelines.governance.bronze_erasure import chain_anchors, chain_columns
from pipelines.governance.holds import TOKEN_COLUMNS, Holds, held_rows, holds_in_force

DEFAULT_GOVERNANCE_FILE = "config/governance.yaml"
ERASURE_LOG_TABLE = "audit.erasure_log"
ERASURE_LOG_SCHEMA = {
    "run_id": pl.Utf8,
    "at": pl.Datetime("us", "UTC"),
    "table": pl.Utf8,
    "event_date": pl.Date,  # the partition (or day) rows were removed from
    "rows_removed": pl.Int64,
    "rows_kept_under_hold": pl.Int64,
    "reason": pl.Utf8,  # retention
    "policy": pl.Utf8,  # purpose, period and legal basis applied
    "cutoff": pl.Date,  # rows dated before this were expired
    "bronze_files": pl.Utf8,  # chained bronze tables: JSON per file (see bronze_erasure)
}
_KEEP = re.compile(r"^\s*(\d+)\s*(day|month|year)s?\s*$")
_SILVER_SOURCES = ("silver.messages", "silver.calls")


class GovernanceConfigError(Exception):
    """The governance file is missing or malformed; the message names the entry."""


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str  # day | month | year

    def before(self, today: date) -> date:
        """The first date still kept: ``today`` minus the period (month ends clamp)."""
        if self.unit == "day":
            return date.fromordinal(today.toordinal() - self.amount)
        months = self.amount * (12 if self.unit == "year" else 1)
        year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
        day = min(today.day, calendar.monthrange(year, month + 1)[1])
        return date(year, month + 1, day)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'s' if self.amount != 1 else ''}"


@dataclass(frozen=True)
class RetentionRule:
    table: str
    purpose: str
    keep: Period
    legal_basis: str
    date_column: str = "event_date"

    def describe(self) -> str:
        return f"{self.purpose}: {self.keep} ({self.legal_basis})"


def governance_file(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("VIGIA_GOVERNANCE_FILE") or DEFAULT_GOVERNANCE_FILE)


def parse_period(text: object, where: str) -> Period:
    match = _KEEP.match(str(text or ""))
    if not match or int(match.group(1)) < 1:
        raise GovernanceConfigError(
            f"{where}: {text!r} is not a period: write e.g. '6 months', '5 years' or '30 days'"
        )
    return Period(int(match.group(1)), match.group(2))


def load_rules(path: Path | None = None) -> list[RetentionRule]:
    path = path or governance_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GovernanceConfigError(
            f"governance file {path} not found: run from the project folder or set "
            "VIGIA_GOVERNANCE_FILE"
        ) from None
    except (OSError, yaml.YAMLError) as exc:
        raise GovernanceConfigError(
            f"{path}: not a readable YAML file ({type(exc).__name__})"
        ) from None
    tables = data.get("tables") if isinstance(data, dict) else None
    if not isinstance(tables, dict) or not tables:
        raise GovernanceConfigError(f"{path}: expected `tables:` mapping each table to its policy")
    rules = []
    for table, entry in tables.items():
        where = f"{path}: tables.{table}"
        try:
            lake.table_uri(str(table), base="/")
        except lake.LakeError as exc:
            raise GovernanceConfigError(f"{where}: {exc}") from None
        if not isinstance(entry, dict):
            raise GovernanceConfigError(f"{where}: expected purpose, keep and legal_basis")
        missing = [k for k in ("purpose", "keep", "legal_basis") if not entry.get(k)]
        if missing:
            raise GovernanceConfigError(f"{where}: missing {', '.join(missing)}")
        keep = parse_period(entry["keep"], f"{where}.keep")
        if entry.get("minimum"):
            floor = parse_period(entry["minimum"], f"{where}.minimum")
            probe = date(2000, 1, 1)
            if keep.before(probe) > floor.before(probe):
                raise GovernanceConfigError(
                    f"{where}: keep {keep} is shorter than the legal minimum {floor}"
                )
        rules.append(
            RetentionRule(
                table=str(table),
                purpose=str(entry["purpose"]),
                keep=keep,
                legal_basis=str(entry["legal_basis"]),
                date_column=str(entry.get("date_column") or "event_date"),
            )
        )
    return rules


def _sql_list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))


def _not_held_sql(columns: list[str], holds: Holds, bronze_ids: list[str]) -> str:
    """SQL true for rows NOT under a hold (null-safe), to AND with the expiry predicate."""
    parts = []
    if holds.subjects:
        parts += [
            f"({c} IS NULL OR {c} NOT IN ({_sql_list(list(holds.subjects))}))"
            for c in TOKEN_COLUMNS
            if c in columns
        ]
    if holds.conversations and "chat_id" in columns:
        parts.append(
            f"(chat_id IS NULL OR chat_id NOT IN ({_sql_list(list(holds.conversations))}))"
        )
    if bronze_ids and "record_id" in columns:
        parts.append(f"record_id NOT IN ({_sql_list(bronze_ids)})")
    return " AND ".join(parts)


def held_bronze_ids(holds: Holds, base: str | None = None) -> list[str]:
    """Bronze record ids behind held silver rows (bronze has identifiers, not pseudonyms)."""
    ids: set[str] = set()
    for table in _SILVER_SOURCES:
        if not holds or not lake.table_exists(table, base):
            continue
        scan = lake.scan_table(table, base)
        held = held_rows(scan.collect_schema().names(), holds)
        if held is not None:
            ids.update(scan.filter(held).select("bronze_record_id").collect().to_series())
    return sorted(i for i in ids if i)


def _held(columns: list[str], holds: Holds, bronze_ids: list[str]) -> pl.Expr:
    held = held_rows(columns, holds)
    if bronze_ids and "record_id" in columns:
        by_id = pl.col("record_id").is_in(bronze_ids)
        held = by_id if held is None else held | by_id
    return pl.lit(False) if held is None else held


def expired_counts(
    rule: RetentionRule, today: date, holds: Holds, bronze_ids: list[str], base: str | None
) -> pl.DataFrame:
    """Per date before the cutoff: rows to remove, rows kept under a hold, and for chained
    bronze tables the JSON `vigia verify` needs (``bronze_files``, else null)."""
    scan = lake.scan_table(rule.table, base)
    schema = scan.collect_schema()
    if rule.date_column not in schema:
        raise GovernanceConfigError(f"{rule.table} has no column {rule.date_column!r}")
    day = pl.col(rule.date_column)
    day = day if schema[rule.date_column] == pl.Date else day.dt.date()
    held = _held(schema.names(), holds, bronze_ids)
    cutoff = rule.keep.before(today)
    counts = (
        scan.filter(day < cutoff)
        .group_by(day.alias("event_date"))
        .agg(
            rows_kept_under_hold=held.sum().cast(pl.Int64),
            rows_removed=(pl.len() - held.sum()).cast(pl.Int64),
        )
        .sort("event_date")
        .collect()
    )
    anchors: dict[str, str] = {}
    if chain_columns(rule.table) and counts.height:
        files = scan.filter(day < cutoff).select("file_sha256").unique()
        rows = scan.join(files, on="file_sha256").select(
            *chain_columns(rule.table), held.alias("_held")
        )
        removed = (pl.col("event_date") < cutoff) & ~pl.col("_held")
        anchors = chain_anchors(rows.collect(), rule.table, removed)
    by_day = pl.DataFrame(
        {"event_date": list(anchors), "bronze_files": list(anchors.values())},
        schema={"event_date": pl.Utf8, "bronze_files": pl.Utf8},
    ).with_columns(pl.col("event_date").str.to_date())
    return counts.join(by_day, on="event_date", how="left")


def apply_rule(
    rule: RetentionRule, today: date, holds: Holds, bronze_ids: list[str], base: str | None
) -> None:
    """Delete the expired, unheld rows of one table and vacuum the files they lived in."""
    table = lake.delta_table(rule.table, base)
    columns = [field.name for field in table.schema().fields]
    cutoff = rule.keep.before(today)
    if rule.date_column == "event_date":
        expired = f"event_date < '{cutoff.isoformat()}'"
    else:
        expired = f"{rule.date_column} < '{cutoff.isoformat()}T00:00:00Z'"
    keep_held = _not_held_sql(columns, holds, bronze_ids)
    table.delete(f"{expired} AND {keep_held}" if keep_held else expired)
    table.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)


def run_retention(
    rules: list[RetentionRule],
    today: date | None = None,
    *,
    dry_run: bool = False,
    base: str | None = None,
) -> pl.DataFrame:
    """Apply every rule; returns (and unless ``dry_run`` appends to audit.erasure_log) one row
    per table and date with expired rows."""
    today = today or datetime.now(UTC).date()
    holds = holds_in_force(today, base)
    bronze_ids = held_bronze_ids(holds, base)
    run_id, at = uuid.uuid4().hex, datetime.now(UTC)
    frames = []
    for rule in rules:
        if not lake.table_exists(rule.table, base):
            continue
        counts = expired_counts(rule, today, holds, bronze_ids, base)
        if counts.is_empty():
            continue
        if not dry_run and counts["rows_removed"].sum():
            apply_rule(rule, today, holds, bronze_ids, base)
        frames.append(
            counts.with_columns(
                run_id=pl.lit(run_id),
                at=pl.lit(at),
                table=pl.lit(rule.table),
                reason=pl.lit("retention"),
                policy=pl.lit(rule.describe()),
                cutoff=pl.lit(rule.keep.before(today)),
            )
        )
    log = pl.concat(
        [
            pl.DataFrame(schema=ERASURE_LOG_SCHEMA),
            *(f.select(list(ERASURE_LOG_SCHEMA)).cast(ERASURE_LOG_SCHEMA) for f in frames),
        ]
    ).cast(ERASURE_LOG_SCHEMA)
    if not dry_run and log.height:
        lake.append(log, ERASURE_LOG_TABLE, base=base)
    return log
