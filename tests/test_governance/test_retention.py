"""`vigia retention run` and the retention job: expired rows go (files vacuumed), held rows stay,
counts without personal data land in audit.erasure_log, and bronze stays verifiable."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.cli import main
from pipelines.governance.access_policy import load_policy
from pipelines.governance.bronze_erasure import erased_records
from pipelines.governance.holds import CONVERSATION, SUBJECT, place_hold
from pipelines.governance.retention import ERASURE_LOG_TABLE, Period, load_rules
from pipelines.ingest.bronze_loader import CHAINED_TABLES, MANIFEST
from pipelines.ingest.verify import verify_tables
from tests.test_analytics.small_firm import identifiers
from tests.test_governance.governance_lake import REASON, firm_copy

TODAY = "2026-05-20"  # six months after 2025-11-20: the firm's first five days are expired
CUTOFF = date(2025, 11, 20)
POLICY = """
tables:
  silver.calls: {purpose: call metadata, keep: 6 months, legal_basis: LGPD art. 16}
  bronze.call_records: {purpose: call metadata, keep: 6 months, legal_basis: LGPD art. 16}
  silver.messages: {purpose: monitoring, keep: 6 months, legal_basis: LGPD art. 16}
  bronze.whatsapp_messages: {purpose: monitoring, keep: 6 months, legal_basis: LGPD art. 16}
  gold.contact_frequency_daily: {purpose: analytics, keep: 6 months, legal_basis: LGPD art. 16}
  audit.access_log:
    {purpose: access audit, keep: 6 months, legal_basis: Marco Civil art. 15,
     date_column: at, minimum: 6 months}
"""


@pytest.fixture
def firm(tmp_path, tmp_path_factory, monkeypatch):
    root = firm_copy(tmp_path, tmp_path_factory, monkeypatch)
    policy = tmp_path / "governance.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    monkeypatch.setenv("VIGIA_GOVERNANCE_FILE", str(policy))
    return root


def expired(table: str) -> pl.DataFrame:
    return lake.read_table(table).filter(pl.col("event_date") < CUTOFF)


def test_dry_run_counts_and_changes_nothing(firm, capsys):
    before = {t: lake.delta_table(t).version() for t in ("silver.calls", "silver.messages")}
    assert main(["retention", "run", "--dry-run", "--today", TODAY]) == 0
    out = capsys.readouterr().out
    assert f"silver.calls: would remove {expired('silver.calls').height} rows" in out
    assert {t: lake.delta_table(t).version() for t in before} == before
    assert not lake.table_exists(ERASURE_LOG_TABLE)


def test_expired_rows_go_held_rows_stay_and_the_log_counts_both(firm, capsys):
    calls, messages = expired("silver.calls"), expired("silver.messages")
    subject = calls["employee_token"].drop_nulls().mode().sort()[0]
    chat = messages.filter(pl.col("employee_token") != subject)["chat_id"][0]
    policy = load_policy()
    place_hold(policy, "dpo.test", scope=SUBJECT, target=subject, reason=REASON, until="2099-01-01")
    place_hold(
        policy, "dpo.test", scope=CONVERSATION, target=chat, reason=REASON, until="2099-01-01"
    )
    held_calls = calls.filter(
        (pl.col("employee_token") == subject) | (pl.col("counterpart_token") == subject)
    )
    held_messages = messages.filter(
        (pl.col("chat_id") == chat)
        | pl.any_horizontal(
            pl.col(c) == subject for c in ("employee_token", "counterpart_token", "sender_token")
        ).fill_null(False)
    )
    assert held_calls.height and held_messages.height and held_messages.height < messages.height
    untouched = lake.read_table("silver.calls").filter(pl.col("event_date") >= CUTOFF)

    assert main(["retention", "run", "--today", TODAY]) == 0

    assert sorted(expired("silver.calls")["call_id"]) == sorted(held_calls["call_id"])
    assert sorted(expired("silver.messages")["message_id"]) == sorted(held_messages["message_id"])
    after = lake.read_table("silver.calls").filter(pl.col("event_date") >= CUTOFF)
    assert after.sort("call_id").equals(untouched.sort("call_id"))
    bronze_kept = set(lake.read_table("bronze.call_records")["record_id"])
    assert set(held_calls["bronze_record_id"]) <= bronze_kept, "held calls keep their raw record"
    assert lake.read_table("bronze.call_records").filter(
        pl.col("event_date") < CUTOFF
    ).height == len(set(held_calls["bronze_record_id"]))

    log = lake.read_table(ERASURE_LOG_TABLE)
    calls_log = log.filter(pl.col("table") == "silver.calls")
    assert calls_log["rows_removed"].sum() == calls.height - held_calls.height
    assert calls_log["rows_kept_under_hold"].sum() == held_calls.height
    assert (calls_log["event_date"] < CUTOFF).all() and set(log["reason"]) == {"retention"}
    assert log["run_id"].n_unique() == 1 and "call metadata: 6 months" in calls_log["policy"][0]
    text = log.write_csv()
    assert not [v for v in identifiers(firm) if v in text.lower()], "no personal data in the log"
    assert "removed" in capsys.readouterr().out


def test_vacuum_leaves_no_file_with_removed_rows(firm):
    assert main(["retention", "run", "--today", TODAY]) == 0
    folder = Path(lake.table_uri("silver.messages"))
    files = list(folder.rglob("*.parquet"))
    assert files
    stale = [p for p in files if f"event_date={CUTOFF.replace(day=15)}" in str(p)]
    assert stale == [], "the deleted partitions' files were vacuumed"
    assert lake.delta_table("silver.messages").history(1)[0]["operation"] == "VACUUM END"


def test_a_second_run_removes_nothing_more(firm):
    assert main(["retention", "run", "--today", TODAY]) == 0
    first = lake.read_table(ERASURE_LOG_TABLE).height
    assert main(["retention", "run", "--today", TODAY]) == 0
    log = lake.read_table(ERASURE_LOG_TABLE)
    assert log.height == first, "nothing is past its retention the second time"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_bronze_chains_resume_from_the_anchors_in_the_erasure_log(firm):
    """What `vigia verify` must do after retention (docs/governance.md): resume each chain from
    the recorded anchor and add the removed records to the count found."""
    subject = expired("silver.calls")["employee_token"].drop_nulls().mode().sort()[0]
    place_hold(
        load_policy(), "dpo.test", scope=SUBJECT, target=subject, reason=REASON, until="2099-01-01"
    )
    assert main(["retention", "run", "--today", TODAY]) == 0
    anchors, removed = erased_records()
    assert removed and anchors, "gaps inside files were recorded"
    manifest = lake.read_table(MANIFEST).select("file_sha256", "parsed_records")
    expected = dict(manifest.iter_rows())
    for table in ("bronze.call_records", "bronze.whatsapp_messages"):
        order = list(CHAINED_TABLES[table][1])
        rows = lake.read_table(table).sort(["file_sha256", *order])
        previous, current = "", None
        for sha, line, raw, record, chain in rows.select(
            "file_sha256", "line_number", "raw", "record_sha256", "chain_sha256"
        ).iter_rows():
            if sha != current:
                previous, current = sha, sha
            previous = anchors.get((table, sha, line, None), previous)
            assert _sha(raw) == record and _sha(previous + record) == chain, (table, sha, line)
            previous = chain
        stored = dict(rows.group_by("file_sha256").len().iter_rows())
        for sha in {s for t, s in removed if t == table} | set(stored):
            assert stored.get(sha, 0) + removed.get((table, sha), 0) == expected[sha]
    # and `vigia verify` itself applies them: every chain and count holds after the run
    breaks = [b.describe() for result in verify_tables() for b in result.breaks]
    assert breaks == []


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        ("tables:\n  silver.calls: {purpose: x, keep: soon, legal_basis: y}", "not a period"),
        ("tables:\n  silver.calls: {purpose: x, keep: 6 months}", "missing legal_basis"),
        ("tables:\n  calls: {purpose: x, keep: 6 months, legal_basis: y}", "<layer>.<name>"),
        (
            "tables:\n  audit.access_log: {purpose: x, keep: 30 days, legal_basis: y, "
            "date_column: at, minimum: 6 months}",
            "shorter than the legal minimum",
        ),
        ("tables: []", "expected `tables:`"),
    ],
)
def test_a_broken_policy_is_refused_and_nothing_is_deleted(
    firm, tmp_path, monkeypatch, capsys, policy, problem
):
    path = tmp_path / "bad.yaml"
    path.write_text(policy, encoding="utf-8")
    monkeypatch.setenv("VIGIA_GOVERNANCE_FILE", str(path))
    version = lake.delta_table("silver.calls").version()
    assert main(["retention", "run", "--today", TODAY]) == 2
    err = capsys.readouterr().err
    assert problem in err and str(path) in err and "nothing was deleted" in err
    assert lake.delta_table("silver.calls").version() == version


def test_a_bad_today_is_refused(firm, capsys):
    assert main(["retention", "run", "--today", "20/05/2026"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("keep", "today", "first_kept"),
    [
        ("6 months", date(2026, 5, 20), date(2025, 11, 20)),
        ("6 months", date(2026, 8, 31), date(2026, 2, 28)),
        ("5 years", date(2028, 2, 29), date(2023, 2, 28)),
        ("30 days", date(2026, 3, 1), date(2026, 1, 30)),
        ("1 year", date(2026, 1, 1), date(2025, 1, 1)),
    ],
)
def test_periods_count_back_by_calendar(keep, today, first_kept):
    from pipelines.governance.retention import parse_period

    assert parse_period(keep, "t").before(today) == first_kept
    assert isinstance(parse_period(keep, "t"), Period)


def test_the_shipped_policy_loads_with_the_access_log_floor():
    rules = {r.table: r for r in load_rules(Path("config/governance.yaml"))}
    assert str(rules["silver.calls"].keep) == "6 months"
    assert str(rules["gold.alerts"].keep) == "5 years"
    assert rules["audit.access_log"].date_column == "at"


def test_the_dagster_job_applies_the_same_policy(firm):
    from pipelines.definitions import build_defs
    from pipelines.settings import Settings

    settings = Settings.from_env()
    job = build_defs(settings).resolve_job_def("retention")
    config = {"ops": {"apply_retention": {"config": {"today": TODAY}}}}
    result = job.execute_in_process(run_config=config)
    assert result.success
    assert expired("silver.calls").height == 0
    log = lake.read_table(ERASURE_LOG_TABLE)
    assert set(log["table"]) >= {"silver.calls", "bronze.call_records"}
    assert json.loads(log.filter(pl.col("bronze_files").is_not_null())["bronze_files"][0])


def test_the_daily_schedule_runs_the_retention_job_in_the_firms_time_zone():
    from pipelines.definitions import defs
    from pipelines.settings import Settings

    schedule = defs.resolve_schedule_def("retention_daily")
    assert schedule.job_name == "retention" and schedule.cron_schedule == "30 3 * * *"
    assert schedule.execution_timezone == Settings.from_env().timezone


def test_a_table_aged_on_a_timestamp_keeps_held_and_recent_rows(tmp_path):
    from datetime import UTC, datetime

    from pipelines.governance.access_log import AccessEvent, append_events
    from pipelines.governance.access_policy import AccessPolicy
    from pipelines.governance.retention import RetentionRule, run_retention

    base = str(tmp_path / "lake")
    held, other = "P-0123456789ab", "P-ba9876543210"

    def event(at: datetime, token: str | None) -> AccessEvent:
        return AccessEvent(
            user="u", role=None, action="login", outcome="granted", at=at, token=token
        )

    old = datetime(2019, 1, 1, 12, tzinfo=UTC)
    append_events(
        [event(old, held), event(old, other), event(old, None), event(datetime.now(UTC), None)],
        base=base,
    )
    policy = AccessPolicy(users={"dpo.test": "dpo"}, permissions={"dpo": frozenset({"legal_hold"})})
    place_hold(
        policy, "dpo.test", scope=SUBJECT, target=held, reason=REASON, until="2099-01-01", base=base
    )
    rule = RetentionRule("audit.access_log", "access audit", Period(5, "year"), "LGPD", "at")
    log = run_retention([rule], date(2026, 1, 1), base=base)
    assert log.select("event_date", "rows_removed", "rows_kept_under_hold").rows() == [
        (date(2019, 1, 1), 2, 1)
    ]
    kept = lake.read_table("audit.access_log", base)
    assert kept.height == 2 and kept.filter(pl.col("at") == old)["token"].to_list() == [held]
