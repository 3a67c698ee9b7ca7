"""The daily digest of new alerts: the local day decides which alerts are new, text that looks like
clear PII is withheld, the CSV matches gold.alerts, and a missing table is said, not faked."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.reports.alert_digest import (
    WITHHELD,
    build_alert_digest,
    clear_pii_kind,
    load_day,
    new_alerts,
)
from pipelines.reports.storage import write_report
from tests.test_analytics.small_firm import identifiers, leaks, small_firm

TZ = "America/Sao_Paulo"
DAY = date(2025, 11, 24)
ALERT_SCHEMA = {
    "alert_id": pl.Utf8,
    "category": pl.Utf8,
    "severity": pl.Utf8,
    "score": pl.Float64,
    "status": pl.Utf8,
    "team": pl.Utf8,
    "employee_token": pl.Utf8,
    "counterpart_token": pl.Utf8,
    "first_seen": pl.Datetime("us", "UTC"),
    "last_seen": pl.Datetime("us", "UTC"),
    "message_ids": pl.List(pl.Utf8),
    "snippet": pl.Utf8,
    "reason": pl.Utf8,
}


def alert(
    alert_id: str,
    first_seen: datetime,
    snippet: str = "combinamos [PESSOA P-0a1b2c3d4e5f]",
    category: str = "bribery",
    severity: str = "high",
    score: float = 0.9,
) -> tuple:
    return (
        alert_id,
        category,
        severity,
        score,
        "open",
        "Civil",
        "P-0a1b2c3d4e5f",
        "P-9f8e7d6c5b4a",
        first_seen,
        first_seen,
        ["M-0123456789abcdef"],
        snippet,
        f"rule {category}.pt.x fired",
    )


def frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ALERT_SCHEMA, orient="row")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("meu cpf é 529.982.247-25", "CPF"),
        ("manda para ana.souza@example.com", "e-mail"),
        ("liga no (11) 98765-4321", "phone"),
        ("[CPF P-0a1b2c3d4e5f] e [TELEFONE P-1b2c3d4e5f60]", None),
        ("fala com P-0a1b2c3d4e5f amanhã às 10h", None),
        ("o valor é R$ 5.000,00 no processo", None),
        ("", None),
        (None, None),
    ],
)
def test_clear_pii_kind(text, kind):
    assert clear_pii_kind(text) == kind


def test_new_alerts_are_those_of_the_local_day_most_severe_first():
    alerts = frame(
        [
            alert("late-evening", utc(2025, 11, 25, 2, 30), severity="medium"),  # 24th, 23:30 local
            alert("early-utc", utc(2025, 11, 24, 2, 30)),  # 23rd, 23:30 local: not new on the 24th
            alert("noon", utc(2025, 11, 24, 15), severity="medium", score=0.95),
            alert("high", utc(2025, 11, 24, 18), severity="high", score=0.5),
            alert("leaky", utc(2025, 11, 24, 16), snippet="cpf 529.982.247-25", severity="low"),
        ]
    )
    todays = new_alerts(alerts, DAY, TZ)
    assert todays["alert_id"].to_list() == ["high", "noon", "late-evening", "leaky"]
    assert todays.filter(pl.col("alert_id") == "leaky")["snippet"].item() == WITHHELD
    assert todays.schema["first_seen"].time_zone == TZ
    report = build_alert_digest(alerts, None, DAY, TZ)
    assert "529.982.247-25" not in report.html
    assert "1 snippet(s) or reason(s) withheld" in report.html
    assert "gold.message_scores does not exist yet" in report.html


def test_a_missing_alerts_table_is_said_and_counts_nothing(tmp_path):
    alerts, scores = load_day(str(tmp_path / "empty"), DAY)
    assert alerts is None and scores is None
    report = build_alert_digest(alerts, scores, DAY, TZ)
    assert report.tables["alerts"].is_empty() and report.tables["by_category"].is_empty()
    assert "gold.alerts does not exist yet" in report.html
    assert "No alert was opened on this day." in report.html


@pytest.fixture(scope="module")
def firm(tmp_path_factory):
    """The small firm's lakehouse, copied; gold.alerts written from its flagged messages unless
    the pipeline already builds it."""
    root = small_firm(tmp_path_factory)
    base = tmp_path_factory.mktemp("digest") / "lakehouse"
    shutil.copytree(root / "lakehouse", base)
    if not lake.table_exists("gold.alerts", str(base)):
        scores = lake.read_table("gold.message_scores", str(base))
        assert scores.height > 0
        rows = [
            (
                f"A-{i:04d}",
                s["categories"][0],
                s["severity"],
                s["score"],
                "open",
                s["team"],
                s["employee_token"],
                s["counterpart_token"],
                s["sent_at"],
                s["sent_at"],
                [s["message_id"]],
                s["text_redacted"][:120],
                f"rules {', '.join(s['rule_ids'])}",
            )
            for i, s in enumerate(scores.iter_rows(named=True))
        ]
        lake.overwrite(frame(rows), "gold.alerts", base=str(base))
    return {"root": root, "base": str(base)}


def test_digest_of_each_day_matches_gold_alerts_and_holds_no_personal_data(firm, tmp_path):
    table = lake.read_table("gold.alerts", firm["base"])
    local_days = table["first_seen"].dt.convert_time_zone(TZ).dt.date()
    values = identifiers(firm["root"])
    days = sorted(set(local_days.to_list()))
    assert days
    for day in (*days, days[-1] + timedelta(days=1)):
        report = build_alert_digest(*load_day(firm["base"], day), day, TZ)
        written = [Path(p) for p in write_report(report, str(tmp_path / "reports"))]
        alerts_csv = pl.read_csv(next(p for p in written if p.name == "alerts.csv"))
        expected = table.filter(local_days == day)
        assert sorted(alerts_csv["alert_id"].to_list()) == sorted(expected["alert_id"].to_list())
        by_category = report.tables["by_category"]
        assert by_category["alerts"].sum() == expected.height
        flagged = lake.read_table("gold.message_scores", firm["base"]).filter(
            pl.col("event_date") == day
        )
        assert by_category["flagged_messages"].sum() == flagged["categories"].list.len().sum()
        for path in written:
            assert leaks(path.read_text(encoding="utf-8"), values) == [], path.name
