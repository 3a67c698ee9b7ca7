"""Report jobs and schedules in the code location, a job run writing the files, and the reports'
location: next to a local lakehouse, or under the lakehouse's prefix on a real (moto) S3."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import fsspec
import polars as pl
import pytest

from pipelines import lake
from pipelines.definitions import build_defs, defs
from pipelines.reports.page import Report
from pipelines.reports.storage import reports_root, s3fs_options, write_report
from pipelines.settings import Settings
from tests.test_analytics.small_firm import small_firm

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.mark.parametrize(
    ("schedule", "cron", "job"),
    [
        ("weekly_contact_volume_schedule", "0 7 * * 1", "weekly_contact_volume_report"),
        ("daily_alert_digest_schedule", "30 7 * * *", "daily_alert_digest"),
    ],
)
def test_schedules_run_the_report_jobs_in_the_firms_time_zone(schedule, cron, job):
    definition = defs.resolve_schedule_def(schedule)
    assert definition.cron_schedule == cron and definition.job_name == job
    assert definition.execution_timezone == "America/Sao_Paulo"


@pytest.mark.parametrize(
    ("schedule", "at", "op", "config"),
    [
        # Monday 07:00: the week that ended yesterday
        (
            "weekly_contact_volume_schedule",
            datetime(2025, 11, 24, 7),
            "contact_volume_report",
            {"week_start": "2025-11-17"},
        ),
        # across a year: Monday 2025-01-06 reports ISO week 1, which began on 2024-12-30
        (
            "weekly_contact_volume_schedule",
            datetime(2025, 1, 6, 7),
            "contact_volume_report",
            {"week_start": "2024-12-30"},
        ),
        (
            "daily_alert_digest_schedule",
            datetime(2025, 11, 24, 7, 30),
            "alert_digest_report",
            {"day": "2025-11-23"},
        ),
        (
            "daily_alert_digest_schedule",
            datetime(2025, 3, 1, 7, 30),
            "alert_digest_report",
            {"day": "2025-02-28"},
        ),
    ],
)
def test_a_tick_asks_for_the_period_before_it(schedule, at, op, config):
    context = dg.build_schedule_context(scheduled_execution_time=at.replace(tzinfo=SAO_PAULO))
    requests = defs.resolve_schedule_def(schedule).evaluate_tick(context).run_requests
    assert len(requests) == 1
    assert requests[0].run_config == {"ops": {op: {"config": config}}}
    assert requests[0].run_key.endswith(next(iter(config.values())))


@pytest.mark.parametrize(
    ("lakehouse", "root"),
    [
        ("s3://bucket/firm", "s3://bucket/firm/reports"),
        ("s3://bucket/firm/", "s3://bucket/firm/reports"),
        ("/data/vigia/lakehouse", "/data/vigia/reports"),
    ],
)
def test_reports_root(lakehouse, root):
    assert reports_root(lakehouse) == root


def test_a_relative_local_lakehouse_puts_reports_beside_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert reports_root("./lakehouse") == str(tmp_path / "reports")


def test_the_weekly_job_writes_the_report_next_to_the_lakehouse(tmp_path_factory):
    root = small_firm(tmp_path_factory)
    settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
    job = build_defs(settings).resolve_job_def("weekly_contact_volume_report")
    result = job.execute_in_process(
        run_config={"ops": {"contact_volume_report": {"config": {"week_start": "2025-11-19"}}}},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    written = [Path(p) for p in result.output_for_node("contact_volume_report")]
    folder = root / "reports" / "contact_volume" / "2025-11-17"
    assert {p.parent for p in written} == {folder} and (folder / "report.html").is_file()
    timing = lake.read_table("gold.contact_timing", settings.lakehouse_uri).filter(
        pl.col("event_date").is_between(date(2025, 11, 17), date(2025, 11, 23))
    )
    teams = pl.read_csv(folder / "teams.csv")
    assert teams["contacts"].sum() == timing["contacts"].sum() > 0


def test_the_digest_job_runs_before_alerts_exist(tmp_path_factory):
    root = small_firm(tmp_path_factory)
    settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
    job = build_defs(settings).resolve_job_def("daily_alert_digest")
    result = job.execute_in_process(
        run_config={"ops": {"alert_digest_report": {"config": {"day": "2025-11-24"}}}},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    folder = root / "reports" / "alert_digest" / "2025-11-24"
    assert sorted(p.name for p in folder.iterdir()) == [
        "alerts.csv",
        "by_category.csv",
        "report.html",
    ]


def test_reports_go_under_the_lakehouse_prefix_on_s3(monkeypatch):
    server_module = pytest.importorskip("moto.server")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        env = {
            "AWS_ENDPOINT_URL": f"http://{host}:{port}",
            "AWS_ACCESS_KEY_ID": "vigia-test",  # moto accepts any credentials
            "AWS_SECRET_ACCESS_KEY": "vigia-test-secret",
            "AWS_REGION": "us-east-1",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        boto3 = pytest.importorskip("boto3")
        boto3.client(
            "s3",
            endpoint_url=env["AWS_ENDPOINT_URL"],
            region_name=env["AWS_REGION"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        ).create_bucket(Bucket="reports-bucket")
        fs = fsspec.filesystem("s3", skip_instance_cache=True, **s3fs_options("s3://x", env))
        report = Report(
            "contact_volume",
            date(2025, 11, 17),
            "t",
            "<html>ok</html>",
            {"teams": pl.DataFrame({"team": ["Civil"], "contacts": [3]})},
        )
        written = write_report(report, reports_root("s3://reports-bucket/firm"), env)
        assert written == [
            "s3://reports-bucket/firm/reports/contact_volume/2025-11-17/report.html",
            "s3://reports-bucket/firm/reports/contact_volume/2025-11-17/teams.csv",
        ]
        fs.invalidate_cache()
        assert fs.cat(written[0]) == b"<html>ok</html>"
        assert fs.cat(written[1]).decode() == "team,contacts\nCivil,3\n"
    finally:
        server.stop()
