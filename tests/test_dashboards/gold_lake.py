"""A small gold layer in a temporary lakehouse, for the dashboard tests (AppTest and browser).

``write_gold(root)`` writes the three gold tables with the pipeline's schemas and returns the
frames, so tests compute what the pages should show from the rows themselves.
``use_lakehouse(monkeypatch, root)`` points LAKEHOUSE_URI at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipelines import lake

# The dashboards default to the last 28 days with data: CURRENT; PREVIOUS is the period before.
CURRENT = (date(2024, 3, 1), date(2024, 3, 28))
PREVIOUS = (date(2024, 2, 2), date(2024, 2, 29))
EMPLOYEES = {
    "P-0a1b2c3d4e5f": "Contencioso",
    "P-1b2c3d4e5f60": "Contencioso",
    "P-2c3d4e5f6071": "Tributario",
}
COUNTERPARTS = ("P-9f8e7d6c5b4a", "P-8e7d6c5b4a39", "P-7d6c5b4a3928", "P-6c5b4a392817")
HOURS = (7, 9, 10, 11, 14, 16, 18, 19, 22)  # local hours, both sides of 08:00 and 19:00
CATEGORIES = (["bribery"], ["harassment"], ["bribery", "off_channel"], ["insider_info"])
SEVERITY_BY_SCORE = ((0.7, "high"), (0.4, "medium"), (0.0, "low"))

FREQUENCY_SCHEMA = {
    "event_date": pl.Date, "team": pl.Utf8, "employee_token": pl.Utf8,
    "counterpart_token": pl.Utf8, "channel": pl.Utf8, "messages_sent": pl.Int64,
    "messages_received": pl.Int64, "calls": pl.Int64, "call_seconds": pl.Int64,
    "first_contact_at": pl.Datetime("us", "UTC"), "last_contact_at": pl.Datetime("us", "UTC"),
}
HOURS_SCHEMA = {
    "event_date": pl.Date, "team": pl.Utf8, "employee_token": pl.Utf8, "channel": pl.Utf8,
    "weekday": pl.Int8, "hour": pl.Int8, "contacts": pl.Int64,
}
SCORES_SCHEMA = {
    "message_id": pl.Utf8, "event_date": pl.Date, "sent_at": pl.Datetime("us", "UTC"),
    "chat_id": pl.Utf8, "team": pl.Utf8, "employee_token": pl.Utf8,
    "counterpart_token": pl.Utf8, "sender_token": pl.Utf8, "direction": pl.Utf8,
    "score": pl.Float64, "severity": pl.Utf8, "categories": pl.List(pl.Utf8),
    "rule_ids": pl.List(pl.Utf8), "text_redacted": pl.Utf8,
}


@dataclass(frozen=True)
class Gold:
    frequency: pl.DataFrame
    hours: pl.DataFrame
    scores: pl.DataFrame


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def build_gold() -> Gold:
    """Deterministic rows over PREVIOUS + CURRENT: every employee on most days, messages and calls,
    contacts spread over business and after hours, flagged messages of every severity."""
    frequency, hours, scores = [], [], []
    for n, day in enumerate(_days(PREVIOUS[0], CURRENT[1])):
        for e, (employee, team) in enumerate(EMPLOYEES.items()):
            if (n + e) % 4 == 3:
                continue  # gaps, so days and pairs differ
            counterpart = COUNTERPARTS[(n + 2 * e) % len(COUNTERPARTS)]
            hour = HOURS[(n + e) % len(HOURS)]
            local = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            at = local + timedelta(hours=3)  # America/Sao_Paulo is UTC-3
            sent, received = 1 + (n + e) % 3, (n * e) % 4
            frequency.append((day, team, employee, counterpart, "message", sent, received, 0, 0,
                              at, at + timedelta(minutes=30)))
            hours.append((day, team, employee, "message", day.weekday(), hour, sent + received))
            if (n + e) % 3 == 0:
                calls = 1 + e % 2
                frequency.append((day, team, employee, counterpart, "call", 0, 0, calls,
                                  90 * calls, at, at + timedelta(minutes=5)))
                hours.append((day, team, employee, "call", day.weekday(), hour, calls))
            if (n + 2 * e) % 5 == 0 or (day >= date(2024, 3, 20) and e == 0):
                categories = CATEGORIES[len(scores) % len(CATEGORIES)]
                score = round(0.15 + ((n * 7 + e * 3) % 17) / 20, 2)
                if categories == ["insider_info"]:
                    score = 0.25  # so that no insider_info message is high severity
                severity = next(label for low, label in SEVERITY_BY_SCORE if score >= low)
                scores.append((
                    f"m-{n:03d}-{e}", day, at, f"c-{employee}-{counterpart}", team, employee,
                    counterpart, employee, "outbound", score, severity, categories,
                    [f"{category}.pt-BR.{n % 3}" for category in categories],
                    f"Mensagem {n}: [PESSOA {counterpart}] combinou o valor por fora.",
                ))
    return Gold(
        pl.DataFrame(frequency, schema=FREQUENCY_SCHEMA, orient="row"),
        pl.DataFrame(hours, schema=HOURS_SCHEMA, orient="row"),
        pl.DataFrame(scores, schema=SCORES_SCHEMA, orient="row"),
    )


def write_gold(root: Path) -> Gold:
    gold = build_gold()
    base = str(root)
    lake.overwrite(gold.frequency, "gold.contact_frequency_daily", base=base)
    lake.overwrite(gold.hours, "gold.contact_hours", base=base)
    lake.overwrite(gold.scores, "gold.message_scores", base=base)
    return gold


def use_lakehouse(monkeypatch: pytest.MonkeyPatch, root: Path) -> Path:
    monkeypatch.setenv("LAKEHOUSE_URI", str(root))
    monkeypatch.setenv("VIGIA_TIMEZONE", "America/Sao_Paulo")
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
    after = sum(
        row["contacts"] for row in hours
        if row["hour"] < 8 or row["hour"] >= 19 or row["weekday"] >= 5
    )
    return {
        "messages": sum(row["messages_sent"] + row["messages_received"] for row in frequency),
        "calls": sum(row["calls"] for row in frequency),
        "counterparts": len({row["counterpart_token"] for row in frequency}),
        "flagged": len(rows_in(gold.scores, period, teams)),
        "after_hours_share": after / contacts if contacts else None,
    }
