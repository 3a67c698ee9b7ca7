"""Daily partitions on event date (the business-local date a message was sent or a call started)."""

from datetime import timedelta

import dagster as dg

from pipelines.settings import Settings

daily = dg.DailyPartitionsDefinition(
    start_date=Settings.from_env().partition_start, end_offset=1, timezone="UTC"
)


def date_span(context: dg.AssetExecutionContext) -> tuple[str, str]:
    """First and last event date (inclusive, ISO) covered by this run's partitions."""
    window = context.partition_time_window
    return window.start.date().isoformat(), (window.end - timedelta(days=1)).date().isoformat()


def daily_table(layer: str, name: str, deps: list, kinds: set[str] | None = None):
    """``@dg.asset`` for a table rebuilt per event date, a whole date range in one run."""
    return dg.asset(
        key_prefix=layer,
        name=name,
        group_name=layer,
        deps=deps,
        partitions_def=daily,
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds=kinds or {"delta", "polars"},
    )
