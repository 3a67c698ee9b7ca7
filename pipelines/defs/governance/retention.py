"""The daily retention job: delete rows past their retention (legal holds excepted), vacuum, and
record counts in audit.erasure_log (see :mod:`pipelines.governance.retention`).

An op rather than an asset: it removes rows from many tables instead of producing one.
"""

from datetime import date

import dagster as dg
import polars as pl
from pydantic import Field

from pipelines.defs.resources import LakehouseResource
from pipelines.governance.retention import load_rules, run_retention
from pipelines.settings import Settings


class RetentionConfig(dg.Config):
    today: str = Field(
        default="", description="Age rows as of this date (YYYY-MM-DD); empty: today"
    )
    dry_run: bool = Field(default=False, description="Count only, delete nothing")


@dg.op(description="Delete expired, unheld rows per config/governance.yaml; vacuum; log counts.")
def apply_retention(
    context: dg.OpExecutionContext, config: RetentionConfig, lakehouse: LakehouseResource
) -> int:
    today = date.fromisoformat(config.today) if config.today else None
    log = run_retention(load_rules(), today, dry_run=config.dry_run, base=lakehouse.uri)
    removed = int(log["rows_removed"].sum()) if log.height else 0
    by_table = log.group_by("table").agg(
        removed=pl.col("rows_removed").sum(), held=pl.col("rows_kept_under_hold").sum()
    )
    context.add_output_metadata(
        {
            "rows_removed": removed,
            "rows_kept_under_hold": int(log["rows_kept_under_hold"].sum()) if log.height else 0,
            "run_id": log["run_id"][0] if log.height else "",
            "by_table": dg.MetadataValue.json(
                {t: {"removed": r, "held": h} for t, r, h in by_table.iter_rows()}
            ),
            "dry_run": config.dry_run,
        }
    )
    return removed


@dg.job(description="Retention by purpose: expired rows deleted, held rows kept, files vacuumed.")
def retention():
    apply_retention()


retention_daily = dg.ScheduleDefinition(
    name="retention_daily",
    job=retention,
    cron_schedule="30 3 * * *",
    execution_timezone=Settings.from_env().timezone,
)
