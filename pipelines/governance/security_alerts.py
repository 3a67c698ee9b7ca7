"""gold.security_alerts: the correlation rules of config/security_rules.yaml over audit.access_log.

Per rule, the matching events are counted per user and fixed window of the firm's local clock
(a ``1d`` window runs from local midnight); a window reaching ``min_count`` is one alert, with
the access-log event ids as evidence. ``alert_id`` hashes rule, user and window start, so a
re-run over a longer log gives the same ids. The table is rederived from the whole log on every
run. ``user`` is kept only for logins of the access file; anything else typed at a login prompt
is grouped under no user and never copied. Notifications carry ids, rule, role, window, counts
and the reason (no login: it may be a name or an e-mail address).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from typing import Any

import polars as pl

from pipelines.analytics.calendar import BusinessCalendar
from pipelines.governance.access_log import TOKEN
from pipelines.governance.access_policy import AccessPolicy
from pipelines.governance.security_rules import LOGIN_FAILED, SecurityConfig, SecurityRule
from pipelines.notify.payload import Recipient

PAYLOAD_TYPE = "vigia.security_alert"
PAYLOAD_VERSION = 1
SECURITY_ALERTS_SCHEMA = {
    "alert_id": pl.Utf8,
    "event_date": pl.Date,  # local date the window starts
    "rule_id": pl.Utf8,
    "severity": pl.Utf8,
    "user": pl.Utf8,
    "role": pl.Utf8,
    "window": pl.Utf8,
    "window_start": pl.Datetime("us", "UTC"),
    "window_end": pl.Datetime("us", "UTC"),
    "event_count": pl.Int64,
    "threshold": pl.Int64,
    "first_at": pl.Datetime("us", "UTC"),
    "last_at": pl.Datetime("us", "UTC"),
    "event_ids": pl.List(pl.Utf8),
    "reason": pl.Utf8,
}
PAYLOAD_FIELDS = (
    "alert_id",
    "rule_id",
    "severity",
    "role",
    "window",
    "window_start",
    "window_end",
    "event_count",
    "threshold",
    "reason",
)


def _teams_read(what: str | None, employee_teams: Mapping[str, str]) -> set[str]:
    """Teams an event's ``what`` shows: its team filter and the teams of employees shown."""
    try:
        body = json.loads(what) if what else {}
    except json.JSONDecodeError:
        return set()
    if not isinstance(body, dict):
        return set()
    filters = body.get("filters") if isinstance(body.get("filters"), dict) else {}
    teams = filters.get("teams") or []
    found = {t for t in (teams if isinstance(teams, list) else [teams]) if isinstance(t, str)}
    if isinstance(filters.get("team"), str):
        found.add(filters["team"])
    tokens = [v for v in filters.values() if isinstance(v, str) and TOKEN.fullmatch(v)]
    shown = body.get("pseudonyms") if isinstance(body.get("pseudonyms"), list) else []
    found |= {employee_teams[t] for t in [*tokens, *shown] if t in employee_teams}
    return found


def outside_own_teams(
    log: pl.DataFrame, policy: AccessPolicy | None, employee_teams: Mapping[str, str]
) -> pl.Series:
    """Per event: the user's role lacks all_teams and the event read a team not theirs."""
    flags = []
    for user, role, what in log.select("user", "role", "what").iter_rows():
        if policy is None or policy.may(role, "all_teams"):
            flags.append(False)
            continue
        own = set(policy.teams_of(user))
        flags.append(bool(_teams_read(what, employee_teams) - own))
    return pl.Series("outside_own_teams", flags, dtype=pl.Boolean)


def prepare_events(
    log: pl.DataFrame,
    *,
    timezone: str,
    calendar: BusinessCalendar,
    policy: AccessPolicy | None,
    employee_teams: Mapping[str, str],
    team_actions: Collection[str] | None = None,
) -> pl.DataFrame:
    """The log with the columns rules match on: local time, working hours, rows, team scope.
    The team scope (JSON read per row) is worked out only for ``team_actions`` (None: every
    action; empty: none)."""
    local = pl.col("at").dt.convert_time_zone(timezone).dt.replace_time_zone(None)
    events = log.with_columns(local.alias("local"))
    days = events.get_column("local").dt.date()
    holidays = calendar.holiday_dates(days.min(), days.max()) if days.len() else []
    hour, weekday = pl.col("local").dt.hour(), pl.col("local").dt.weekday() - 1
    working = (
        weekday.is_in(list(calendar.business_days))
        & hour.is_between(calendar.start_hour, calendar.end_hour, closed="left")
        & ~pl.col("local").dt.date().is_in(holidays)
    )
    rows = pl.max_horizontal(
        pl.col("what").str.json_path_match(f"$.{name}").cast(pl.Int64, strict=False)
        for name in ("rows", "pseudonym_count")
    )
    if policy is None:  # no access file: keep logins, but never what a failed login typed
        known = pl.col("action") != LOGIN_FAILED
    else:
        known = pl.col("user").is_in(list(policy.users))
    wanted = pl.lit(True) if team_actions is None else pl.col("action").is_in(list(team_actions))
    rows_to_read = log.with_row_index("_row").filter(wanted)
    flags = pl.Series("outside_own_teams", [False] * log.height, dtype=pl.Boolean)
    if rows_to_read.height:
        found = outside_own_teams(rows_to_read, policy, employee_teams)
        flags = flags.scatter(rows_to_read["_row"], found)
    return events.with_columns(
        flags,
        (~working).alias("outside_working_hours"),
        rows.fill_null(0).alias("rows_shown"),
        pl.when(known).then(pl.col("user")).otherwise(None).alias("account"),
    )


def _condition(rule: SecurityRule) -> pl.Expr:
    m = rule.match
    condition = pl.lit(True)
    if m.actions:
        condition &= pl.col("action").is_in(list(m.actions))
    if m.outcomes:
        condition &= pl.col("outcome").is_in(list(m.outcomes))
    if m.outside_working_hours:
        condition &= pl.col("outside_working_hours")
    if m.min_rows is not None:
        condition &= pl.col("rows_shown") >= m.min_rows
    if m.outside_own_teams:
        condition &= pl.col("outside_own_teams")
    return condition


def rule_alerts(events: pl.DataFrame, rule: SecurityRule, timezone: str) -> pl.DataFrame:
    """Alerts of one rule over prepared events."""
    windows = (
        events.filter(_condition(rule))
        .with_columns(pl.col("local").dt.truncate(rule.window).alias("start_local"))
        .group_by("account", "start_local")
        .agg(
            pl.len().cast(pl.Int64).alias("event_count"),
            pl.col("at").min().alias("first_at"),
            pl.col("at").max().alias("last_at"),
            pl.col("event_id").sort().alias("event_ids"),
            pl.col("role").drop_nulls().last().alias("role"),
        )
        .filter(pl.col("event_count") >= rule.min_count)
        .sort("start_local", "account", nulls_last=True)
    )
    if windows.is_empty():
        return pl.DataFrame(schema=SECURITY_ALERTS_SCHEMA)

    def utc(column: pl.Expr) -> pl.Expr:
        aware = column.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
        return aware.dt.convert_time_zone("UTC")

    ids, reasons = [], []
    for user, start, count in windows.select("account", "start_local", "event_count").iter_rows():
        key = f"{rule.rule_id}\x1f{user or ''}\x1f{start.isoformat()}"
        ids.append("S-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16])
        reasons.append(
            f"{rule.description}: {count} events in the {rule.window} window from "
            f"{start:%Y-%m-%d %H:%M} local time (threshold {rule.min_count})"
        )
    end_local = pl.col("start_local").dt.offset_by(rule.window)
    return windows.select(
        pl.Series("alert_id", ids, dtype=pl.Utf8),
        pl.col("start_local").dt.date().alias("event_date"),
        pl.lit(rule.rule_id).alias("rule_id"),
        pl.lit(rule.severity).alias("severity"),
        pl.col("account").alias("user"),
        pl.col("role"),
        pl.lit(rule.window).alias("window"),
        utc(pl.col("start_local")).alias("window_start"),
        utc(end_local).alias("window_end"),
        pl.col("event_count"),
        pl.lit(rule.min_count, pl.Int64).alias("threshold"),
        pl.col("first_at"),
        pl.col("last_at"),
        pl.col("event_ids"),
        pl.Series("reason", reasons, dtype=pl.Utf8),
    ).cast(SECURITY_ALERTS_SCHEMA)


def security_alerts(
    log: pl.DataFrame,
    config: SecurityConfig,
    *,
    timezone: str,
    calendar: BusinessCalendar,
    policy: AccessPolicy | None,
    employee_teams: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Every alert of every rule over the access log (audit.access_log rows), oldest first."""
    if log.is_empty():
        return pl.DataFrame(schema=SECURITY_ALERTS_SCHEMA)
    events = prepare_events(
        log,
        timezone=timezone,
        calendar=calendar,
        policy=policy,
        employee_teams=employee_teams or {},
        team_actions=_team_actions(config),
    )
    found = [rule_alerts(events, rule, timezone) for rule in config.rules]
    return pl.concat(found).sort("window_start", "rule_id", "alert_id")


def _team_actions(config: SecurityConfig) -> tuple[str, ...] | None:
    rules = [r for r in config.rules if r.match.outside_own_teams]
    if any(not r.match.actions for r in rules):
        return None
    return tuple(sorted({a for r in rules for a in r.match.actions}))


def new_security_alerts(
    current: pl.DataFrame, previous: pl.DataFrame | None, config: SecurityConfig
) -> pl.DataFrame:
    """Alerts of ``current`` at or above the notify severity that ``previous`` (the table
    when notifications were last sent; None: never) did not hold, oldest window first."""
    notifiable = [s for s in ("low", "medium", "high") if config.notifiable(s)]
    now = current.filter(pl.col("severity").is_in(notifiable))
    if previous is not None and not previous.is_empty():
        now = now.join(previous.select("alert_id"), on="alert_id", how="anti")
    return now.sort("window_start", "alert_id")


def security_recipient(config: SecurityConfig) -> Recipient:
    if config.notify_address:
        return Recipient(None, None, "config", config.notify_address)
    return Recipient(None, None, "unassigned")


def security_payload(alert: Mapping[str, Any], recipient: Recipient) -> dict[str, Any]:
    """JSON-ready notification in the shape of the misconduct one (``alert`` with id,
    severity, category, team, reason and snippet), so every channel can send it."""
    body = {name: _plain(alert.get(name)) for name in PAYLOAD_FIELDS}
    body.update(category="security", team=None, snippet=None)
    return {
        "type": PAYLOAD_TYPE,
        "version": PAYLOAD_VERSION,
        "alert": body,
        "to": {"team": None, "manager_token": None, "route": recipient.route},
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
