"""Jobs and their schedules: ingest new landing files, then build silver and gold per day."""

import dagster as dg

from pipelines.defs.partitions import daily

ingest_job = dg.define_asset_job(
    "ingest_landing",
    selection=dg.AssetSelection.groups("bronze"),
    description="Load new landing files into bronze.",
)

daily_job = dg.define_asset_job(
    "daily_pipeline",
    selection=dg.AssetSelection.groups("silver", "gold", "vault"),
    partitions_def=daily,
    description="Build silver, gold and the identity vault for the selected event dates.",
)

ingest_schedule = dg.ScheduleDefinition(
    job=ingest_job, cron_schedule="*/15 * * * *", execution_timezone="America/Sao_Paulo"
)
daily_schedule = dg.build_schedule_from_partitioned_job(daily_job, hour_of_day=2)
