"""Report jobs and their schedules: the weekly contact-volume report (Mondays 07:00) and the
daily digest of new alerts (07:30), in the firm's time zone.

Reports are files, not tables, so they are ops (one per job) rather than assets; each writes
``reports/<kind>/<date>/`` (see :mod:`pipelines.reports.storage`) and records the files in its
output metadata. A report for a past week or day is a manual run with ``week_start`` / ``day``.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
from pydantic import Field

from pipelines.analytics.weeks import week_start
from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.reports import alert_digest, contact_volume
from pipelines.reports.storage import report_dir, reports_root, write_report
from pipelines.settings import Settings

TIMEZONE = Settings.from_env().timezone


def _today(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


class ContactVolumeReportConfig(dg.Config):
    week_start: str = Field(
        default="",
        description="Any day (YYYY-MM-DD) of the ISO week to report; empty: last week",
    )


class AlertDigestConfig(dg.Config):
    day: str = Field(
        default="", description="Business-local day (YYYY-MM-DD) to digest; empty: yesterday"
    )


@dg.op(description="Build the weekly contact-volume report (HTML + CSV) and write it.")
def contact_volume_report(
    context: dg.OpExecutionContext,
    config: ContactVolumeReportConfig,
    lakehouse: LakehouseResource,
    firm: FirmResource,
) -> list[str]:
    if config.week_start:
        week = week_start(date.fromisoformat(config.week_start))
    else:
        week = week_start(_today(firm.timezone)) - timedelta(days=7)
    report = contact_volume.build_contact_volume_report(
        contact_volume.load_weeks(lakehouse.uri, week), week
    )
    root = reports_root(lakehouse.uri)
    written = write_report(report, root)
    context.add_output_metadata(
        {
            "week_start": week.isoformat(),
            "folder": report_dir(root, report),
            "files": len(written),
            "contacts": int(report.tables["employees"]["contacts"].sum()),
        }
    )
    return written


@dg.op(description="Build the daily digest of new alerts (HTML + CSV) and write it.")
def alert_digest_report(
    context: dg.OpExecutionContext,
    config: AlertDigestConfig,
    lakehouse: LakehouseResource,
    firm: FirmResource,
) -> list[str]:
    if config.day:
        day = date.fromisoformat(config.day)
    else:
        day = _today(firm.timezone) - timedelta(days=1)
    alerts, scores = alert_digest.load_day(lakehouse.uri, day)
    report = alert_digest.build_alert_digest(alerts, scores, day, firm.timezone)
    root = reports_root(lakehouse.uri)
    written = write_report(report, root)
    context.add_output_metadata(
        {
            "day": day.isoformat(),
            "folder": report_dir(root, report),
            "files": len(written),
            "new_alerts": report.tables["alerts"].height,
            "alerts_table": alerts is not None,
        }
    )
    return written


@dg.job(description="The weekly contact-volume report under reports/contact_volume/<week>/.")
def weekly_contact_volume_report():
    contact_volume_report()


@dg.job(description="The daily digest of new alerts under reports/alert_digest/<day>/.")
def daily_alert_digest():
    alert_digest_report()


@dg.schedule(
    job=weekly_contact_volume_report, cron_schedule="0 7 * * 1", execution_timezone=TIMEZONE
)
def weekly_contact_volume_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Mondays 07:00: the ISO week that ended the day before."""
    week = week_start(context.scheduled_execution_time.date()) - timedelta(days=7)
    return dg.RunRequest(
        run_key=f"{contact_volume.KIND}:{week.isoformat()}",
        run_config={"ops": {"contact_volume_report": {"config": {"week_start": week.isoformat()}}}},
    )


@dg.schedule(job=daily_alert_digest, cron_schedule="30 7 * * *", execution_timezone=TIMEZONE)
def daily_alert_digest_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Every day 07:30: the alerts opened the day before."""
    day = context.scheduled_execution_time.date() - timedelta(days=1)
    return dg.RunRequest(
        run_key=f"{alert_digest.KIND}:{day.isoformat()}",
        run_config={"ops": {"alert_digest_report": {"config": {"day": day.isoformat()}}}},
    )
