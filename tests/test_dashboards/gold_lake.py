"""A small lakehouse for the dashboard tests (AppTest, data module, browser).

``write_gold(root)`` writes the gold tables the pages read (with the pipeline's schemas), the
alerts and the silver messages behind them, and returns the frames, so tests compute what the
pages should show from the rows themselves. ``use_lakehouse(monkeypatch, root)`` points
LAKEHOUSE_URI at it and VIGIA_ACCESS_FILE at an access file with one user per role
(:data:`USERS`, passwords :data:`PASSWORDS`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import bcrypt
import holidays
import polars as pl
import pytest

from pipelines import lake
from pipelines.analytics.call_volume import CALL_VOLUME_SCHEMA
from pipelines.analytics.contact_frequency import CONTACT_FREQUENCY_SCHEMA
from pipelines.analytics.contact_timing import CONTACT_TIMING_SCHEMA
from pipelines.analytics.misconduct_trend import MISCONDUCT_TREND_SCHEMA
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA
from pipelines.detection.alerts import ALERTS_SCHEMA
from pipelines.detection.message_scores import MESSAGE_SCORES_SCHEMA

# The dashboards default to the last 28 days with data: CURRENT; PREVIOUS is the period before.
# CURRENT holds Good Friday (2024-03-29), a national holiday: after hours all day.
CURRENT = (date(2024, 3, 4), date(2024, 3, 31))
PREVIOUS = (date(2024, 2, 5), date(2024, 3, 3))
EMPLOYEES = {
    "P-0a1b2c3d4e5f": "Contencioso",
    "P-1b2c3d4e5f60": "Contencioso",
    "P-2c3d4e5f6071": "Tributario",
}
TEAMS = sorted(set(EMPLOYEES.values()))
COUNTERPARTS = ("P-9f8e7d6c5b4a", "P-8e7d6c5b4a39", "P-7d6c5b4a3928", "P-6c5b4a392817")
HOURS = (7, 9, 10, 11, 14, 16, 18, 19, 22)  # local hours, both sides of 08:00 and 19:00
CATEGORIES = (["bribery"], ["harassment"], ["bribery", "off_channel"], ["insider_info"])
SEVERITY_BY_SCORE = ((0.7, "high"), (0.4, "medium"), (0.0, "low"))
HOLIDAYS = holidays.country_holidays("BR", years=2024)

# login -> (role, teams); every password is "<login>-pass"
USERS = {
    "carla": ("compliance", []),
    "maria": ("manager", ["Contencioso"]),
    "tiago": ("manager", ["Tributario"]),
    "ana": ("analyst", []),
    "diego": ("dpo", []),
}
PASSWORDS = {login: f"{login}-pass" for login in USERS}
PERMISSIONS = {
    "compliance": ["reidentify", "all_teams", "view_aggregates", "view_messages", "view_alerts",
                   "review_alerts", "view_evidence", "view_data_quality"],
    "dpo": ["reidentify", "rotate_vault_key", "view_access_log", "view_data_quality"],
    "manager": ["view_aggregates", "view_messages", "view_alerts"],
    "analyst": ["all_teams", "view_aggregates", "view_data_quality"],
}

# the pipeline's own schemas: the fixture breaks loudly when a table changes shape
FREQUENCY_SCHEMA = CONTACT_FREQUENCY_SCHEMA
TIMING_SCHEMA = CONTACT_TIMING_SCHEMA
SCORES_SCHEMA = MESSAGE_SCORES_SCHEMA
CALLS_SCHEMA = CALL_VOLUME_SCHEMA
TREND_SCHEMA = MISCONDUCT_TREND_SCHEMA
MESSAGES_SCHEMA = SILVER_MESSAGES_SCHEMA


def frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    """Rows as dicts; columns a row does not name are null."""
    return pl.DataFrame(rows, schema=schema)


@dataclass(frozen=True)
class Gold:
    frequency: pl.DataFrame
    hours: pl.DataFrame
    scores: pl.DataFrame
    calls: pl.DataFrame
    trend: pl.DataFrame
    alerts: pl.DataFrame
    messages: pl.DataFrame


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _business(day: date, hour: int) -> bool:
    return day.weekday() < 5 and 8 <= hour < 19 and day not in HOLIDAYS


def _chat(employee: str, counterpart: str) -> str:
    return "C-" + hashlib.sha256(f"{employee}{counterpart}".encode()).hexdigest()[:16]


def build_gold() -> Gold:
    """Deterministic rows over PREVIOUS + CURRENT: every employee on most days, messages and calls,
    contacts spread over business and after hours, flagged messages of every severity."""
    frequency, hours, scores, calls = [], [], [], []
    for n, day in enumerate(_days(PREVIOUS[0], CURRENT[1])):
        for e, (employee, team) in enumerate(EMPLOYEES.items()):
            if (n + e) % 4 == 3:
                continue  # gaps, so days and pairs differ
            counterpart = COUNTERPARTS[(n + 2 * e) % len(COUNTERPARTS)]
            hour = HOURS[(n + e) % len(HOURS)]
            at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC) + timedelta(hours=3)
            who = {"event_date": day, "team": team, "employee_token": employee}
            pair = {**who, "counterpart_token": counterpart}
            when = {"weekday": day.weekday(), "hour": hour, "is_weekend": day.weekday() >= 5,
                    "is_business_hours": _business(day, hour), "is_holiday": day in HOLIDAYS}
            sent, received = 1 + (n + e) % 3, (n * e) % 4
            frequency.append({**pair, "channel": "message", "messages_sent": sent,
                              "messages_received": received, "calls": 0, "call_seconds": 0,
                              "first_contact_at": at,
                              "last_contact_at": at + timedelta(minutes=30)})
            hours.append({**who, **when, "channel": "message", "contacts": sent + received})
            if (n + e) % 3 == 0:
                count = 1 + e % 2
                frequency.append({**pair, "channel": "call", "messages_sent": 0,
                                  "messages_received": 0, "calls": count,
                                  "call_seconds": 90 * count, "first_contact_at": at,
                                  "last_contact_at": at + timedelta(minutes=5)})
                hours.append({**who, **when, "channel": "call", "contacts": count})
                answered = count - (n % 2 if count > 1 else 0)
                calls.append({**who, "calls": count, "calls_in": count - e % 2,
                              "calls_out": e % 2, "calls_internal": 0, "answered": answered,
                              "answered_rate": answered / count, "avg_duration_s": 90.0,
                              "p90_duration_s": 120.0 + e})
            if (n + 2 * e) % 5 == 0 or (day >= date(2024, 3, 20) and e == 0):
                categories = CATEGORIES[len(scores) % len(CATEGORIES)]
                score = round(0.15 + ((n * 7 + e * 3) % 17) / 20, 2)
                if categories == ["insider_info"]:
                    score = 0.25  # so that no insider_info message is high severity
                severity = next(label for low, label in SEVERITY_BY_SCORE if score >= low)
                scores.append({
                    **pair, "message_id": f"M-{n:03d}{e:013x}", "sent_at": at,
                    "chat_id": _chat(employee, counterpart), "sender_token": employee,
                    "direction": "outbound", "score": score, "severity": severity,
                    "categories": categories,
                    "rule_ids": [f"{category}.pt-BR.{n % 3}" for category in categories],
                    "text_redacted": f"Mensagem {n}: [PESSOA {counterpart}] combinou o valor "
                                     "por fora.",
                })
    score_frame = frame(scores, SCORES_SCHEMA)
    alerts = build_alerts(score_frame)
    return Gold(
        frame(frequency, FREQUENCY_SCHEMA),
        frame(hours, TIMING_SCHEMA),
        score_frame,
        frame(calls, CALLS_SCHEMA),
        build_trend(score_frame, alerts),
        alerts,
        build_messages(score_frame),
    )


def build_alerts(scores: pl.DataFrame) -> pl.DataFrame:
    """One open alert per chat and category (as the detection pipeline keeps them)."""
    rows = []
    per_key: dict[tuple[str, str], list[dict]] = {}
    for row in scores.iter_rows(named=True):
        for category in row["categories"]:
            per_key.setdefault((row["chat_id"], category), []).append(row)
    for (chat_id, category), hits in sorted(per_key.items()):
        top = max(hits, key=lambda r: r["score"])
        days = sorted({r["event_date"] for r in hits})
        rows.append({
            "alert_id": "A-" + hashlib.sha256(f"{chat_id}{category}".encode()).hexdigest()[:16],
            "event_date": days[0], "last_event_date": days[-1], "days": len(days),
            "category": category, "severity": top["severity"], "score": top["score"],
            "status": "open", "chat_id": chat_id, "team": top["team"],
            "employee_token": top["employee_token"],
            "counterpart_token": top["counterpart_token"],
            "first_seen": min(r["sent_at"] for r in hits),
            "last_seen": max(r["sent_at"] for r in hits),
            "message_ids": [r["message_id"] for r in hits],
            "rule_ids": sorted({i for r in hits for i in r["rule_ids"]}), "signal_ids": [],
            "snippet": top["text_redacted"][:60],
            "reason": f"{len(hits)} flagged messages on {len(days)} days",
        })
    return frame(rows, ALERTS_SCHEMA)


def build_trend(scores: pl.DataFrame, alerts: pl.DataFrame) -> pl.DataFrame:
    """gold.misconduct_trend_weekly computed row by row (flags by event week, alerts by the
    week of their first message in UTC-3)."""
    counts: dict[tuple, list] = {}
    for row in scores.iter_rows(named=True):
        week = row["event_date"] - timedelta(days=row["event_date"].weekday())
        for category in row["categories"]:
            entry = counts.setdefault((week, category, row["team"]), [0, 0, []])
            entry[0] += 1
            entry[2] += [r for r in row["rule_ids"] if r.startswith(category)]
    for row in alerts.iter_rows(named=True):
        local = (row["first_seen"] - timedelta(hours=3)).date()
        week = local - timedelta(days=local.weekday())
        counts.setdefault((week, row["category"], row["team"]), [0, 0, []])[1] += 1
    rows = [
        {"week_start": week, "category": category, "team": team, "flagged_messages": flagged,
         "alerts_opened": opened, "confirmed": 0, "false_positives": 0,
         "top_rule_ids": sorted(set(rules))[:3]}
        for (week, category, team), (flagged, opened, rules) in sorted(counts.items())
    ]
    return frame(rows, TREND_SCHEMA)


def build_messages(scores: pl.DataFrame) -> pl.DataFrame:
    """silver.messages: each flagged message with a reply 10 minutes later (every third reply
    carries a redacted document)."""
    rows = []
    for n, row in enumerate(scores.iter_rows(named=True)):
        chat = {key: row[key] for key in ("chat_id", "event_date", "team", "employee_token",
                                          "counterpart_token")}
        common = {**chat, "kind": "message", "is_deleted": False, "is_edited": False,
                  "utc_offset_minutes": -180, "date_order_ambiguous": False}
        rows.append({**common, "message_id": row["message_id"], "sent_at": row["sent_at"],
                     "direction": "outbound", "sender_token": row["employee_token"],
                     "sender_role": "employee", "text_redacted": row["text_redacted"]})
        document = n % 3 == 0
        rows.append({**common, "message_id": f"M-{n:06d}ffffffffff",
                     "sent_at": row["sent_at"] + timedelta(minutes=10), "direction": "inbound",
                     "sender_token": row["counterpart_token"], "sender_role": "client",
                     "text_redacted": "Pode deixar.",
                     "media_kind": "document" if document else None,
                     "attachment_redacted": f"contrato_[PESSOA {row['counterpart_token']}].pdf"
                     if document else None})
    return frame(rows, MESSAGES_SCHEMA)


def write_gold(root: Path) -> Gold:
    gold = build_gold()
    base = str(root)
    for frame, name in [
        (gold.frequency, "gold.contact_frequency_daily"), (gold.hours, "gold.contact_timing"),
        (gold.scores, "gold.message_scores"), (gold.calls, "gold.call_volume_daily"),
        (gold.trend, "gold.misconduct_trend_weekly"), (gold.alerts, "gold.alerts"),
        (gold.messages, "silver.messages"),
    ]:
        lake.overwrite(frame, name, base=base)
    return gold


def write_access_file(path: Path) -> Path:
    """An access file with :data:`USERS` (bcrypt cost 4: fast, still a real bcrypt check)."""
    import yaml

    users = {
        login: {"role": role, "name": login.title(), "teams": teams,
                "password": bcrypt.hashpw(PASSWORDS[login].encode(), bcrypt.gensalt(4)).decode()}
        for login, (role, teams) in USERS.items()
    }
    roles = {role: {p: True for p in granted} for role, granted in PERMISSIONS.items()}
    path.write_text(yaml.safe_dump({"min_reason_chars": 15, "roles": roles, "users": users}))
    return path


def use_lakehouse(monkeypatch: pytest.MonkeyPatch, root: Path) -> Path:
    monkeypatch.setenv("LAKEHOUSE_URI", str(root))
    monkeypatch.setenv("VIGIA_TIMEZONE", "America/Sao_Paulo")
    root.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("VIGIA_ACCESS_FILE", str(write_access_file(root.parent / "access.yaml")))
    monkeypatch.delenv("VIGIA_DASHBOARD_COOKIE_KEY", raising=False)
    monkeypatch.delenv("VIGIA_DASHBOARD_COOKIE_KEY_FILE", raising=False)
    monkeypatch.delenv("VIGIA_ENV", raising=False)
    return root


def rows_in(frame: pl.DataFrame, period: tuple[date, date], teams: set[str] | None = None):
    """The rows (as dicts) of a gold frame inside a period, optionally for some teams only."""
    return [
        row for row in frame.iter_rows(named=True)
        if period[0] <= row["event_date"] <= period[1] and (not teams or row["team"] in teams)
    ]


def expected_overview(gold: Gold, period: tuple[date, date], teams: set[str] | None = None):
    """What the overview KPIs should say, computed row by row in plain Python."""
    frequency = rows_in(gold.frequency, period, teams)
    hours = rows_in(gold.hours, period, teams)
    contacts = sum(row["contacts"] for row in hours)
    after = sum(row["contacts"] for row in hours
                if not _business(row["event_date"], row["hour"]))
    return {
        "messages": sum(row["messages_sent"] + row["messages_received"] for row in frequency),
        "calls": sum(row["calls"] for row in frequency),
        "counterparts": len({row["counterpart_token"] for row in frequency}),
        "flagged": len(rows_in(gold.scores, period, teams)),
        "after_hours_share": after / contacts if contacts else None,
    }
