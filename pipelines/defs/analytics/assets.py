"""Gold aggregates for managers and analysts: contact frequency and timing, call volume, and the
weekly misconduct trend."""

from datetime import date

import dagster as dg
import polars as pl

from models.rules.schema import CATEGORIES
from pipelines import lake
from pipelines.analytics.calendar import load_calendar
from pipelines.analytics.call_volume import call_volume_daily
from pipelines.analytics.contact_frequency import contact_frequency
from pipelines.analytics.contact_timing import contact_timing
from pipelines.analytics.misconduct_trend import (
    ALERTS_SCHEMA,
    REVIEWS_SCHEMA,
    misconduct_trend_weekly,
    weeks_to_rebuild,
)
from pipelines.analytics.weeks import week_end, weeks_predicate
from pipelines.conform.calls import SILVER_CALLS_SCHEMA
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA
from pipelines.conform.participants import PARTICIPANTS_SCHEMA
from pipelines.defs.conformed.assets import silver_calls, silver_messages, silver_participants
from pipelines.defs.governance.consents import gold_consent_violations
from pipelines.defs.governance.dnc import gold_dnc_violations
from pipelines.defs.partitions import daily_table, date_span
from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.governance import consent_checks, dnc

MESSAGE_SCORES = dg.AssetKey(["gold", "message_scores"])
ALERTS = dg.AssetKey(["gold", "alerts"])  # built by pipelines/defs/detection
SCORES_SCHEMA = {
    "event_date": pl.Date,
    "team": pl.Utf8,
    "categories": pl.List(pl.Utf8),
    "rule_ids": pl.List(pl.Utf8),
}


def _silver(lakehouse: LakehouseResource, first: str, last: str):
    return (
        lakehouse.scan_dates("silver.messages", SILVER_MESSAGES_SCHEMA, first, last),
        lakehouse.scan_dates("silver.calls", SILVER_CALLS_SCHEMA, first, last),
    )


@daily_table("gold", "contact_frequency_daily", [silver_messages, silver_calls])
def gold_contact_frequency_daily(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource
) -> dg.MaterializeResult:
    """Messages sent/received and calls (count, billed seconds) per employee x counterpart x
    day x channel, with first and last contact time."""
    first, last = date_span(context)
    frame = contact_frequency(*_silver(lakehouse, first, last))
    written = lakehouse.replace_dates(frame, "gold.contact_frequency_daily", first, last)
    return dg.MaterializeResult(metadata={"dagster/row_count": written})


@daily_table("gold", "contact_timing", [silver_messages, silver_calls])
def gold_contact_timing(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
) -> dg.MaterializeResult:
    """Contacts per local weekday x hour, per employee and day, flagged business hours, weekend
    and holiday (config/calendar.yaml, the firm's time zone): the timing heatmap and after-hours
    share."""
    first, last = date_span(context)
    frame = contact_timing(*_silver(lakehouse, first, last), firm.timezone, load_calendar())
    written = lakehouse.replace_dates(frame, "gold.contact_timing", first, last)
    after = frame.filter(~pl.col("is_business_hours"))["contacts"].sum()
    total = frame["contacts"].sum()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "contacts": int(total),
            "after_hours_share": round(after / total, 4) if total else None,
        }
    )


def _has_rows(lakehouse: LakehouseResource, table: str) -> bool:
    return lakehouse.exists(table) and lakehouse.scan(table).head(1).collect().height > 0


@daily_table(
    "gold", "call_volume_daily", [silver_calls, gold_dnc_violations, gold_consent_violations]
)
def gold_call_volume_daily(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource
) -> dg.MaterializeResult:
    """Calls per agent and day: in/out/internal, answered and answered rate, average and p90
    billed duration of answered calls; calls to numbers on the do-not-call list and calls
    without a valid consent (null when the firm has no consent ledger: not checked)."""
    first, last = date_span(context)
    calls = lakehouse.scan_dates("silver.calls", SILVER_CALLS_SCHEMA, first, last)
    dnc_calls = no_consent = None  # null = not checked: the firm has no list / no ledger
    if _has_rows(lakehouse, "silver.dnc_registry"):
        dnc_calls = lakehouse.scan_dates("gold.dnc_violations", dnc.VIOLATIONS_SCHEMA, first, last)
    if _has_rows(lakehouse, "silver.consents"):
        no_consent = consent_checks.no_consent_calls(
            lakehouse.scan_dates(
                "gold.consent_violations", consent_checks.VIOLATIONS_SCHEMA, first, last
            ).filter(pl.col("call_id").is_not_null())
        )
    frame = call_volume_daily(calls, dnc=dnc_calls, no_consent=no_consent)
    written = lakehouse.replace_dates(frame, "gold.call_volume_daily", first, last)
    return dg.MaterializeResult(
        metadata={"dagster/row_count": written, "calls": int(frame["calls"].sum())}
    )


def _optional(lakehouse: LakehouseResource, name: str, schema: dict) -> pl.LazyFrame | None:
    """The columns we use of a table that may not exist yet (alerts and reviews come later)."""
    if not lakehouse.exists(name):
        return None
    return lakehouse.scan(name).select(list(schema)).cast(schema)


@daily_table("gold", "misconduct_trend_weekly", [MESSAGE_SCORES, ALERTS, silver_participants])
def gold_misconduct_trend_weekly(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
) -> dg.MaterializeResult:
    """Flagged messages, alerts opened, confirmed and false positives, and the top rules, per
    category x team x ISO week. Incremental by week: a run rebuilds whole every week its event
    dates touch (plus the opening weeks of alerts reviewed on those dates), reading those weeks'
    scores entirely; other weeks are left as they are."""
    first, last = (date.fromisoformat(d) for d in date_span(context))
    alerts = _optional(lakehouse, "gold.alerts", ALERTS_SCHEMA)
    reviews = _optional(lakehouse, "gold.alert_reviews", REVIEWS_SCHEMA)
    weeks = weeks_to_rebuild(first, last, alerts, reviews, firm.timezone)
    scores = (
        lakehouse.scan_or_empty("gold.message_scores", SCORES_SCHEMA)
        .select(list(SCORES_SCHEMA))
        .filter(pl.col("event_date").is_between(weeks[0], week_end(weeks[-1])))
    )
    teams = (
        lakehouse.scan_or_empty("silver.participants", PARTICIPANTS_SCHEMA)
        .filter((pl.col("role") == "employee") & pl.col("team").is_not_null())
        .select(pl.col("team").unique())
        .collect()
    )
    frame = misconduct_trend_weekly(
        scores,
        alerts,
        reviews,
        weeks=weeks,
        teams=teams["team"].to_list(),
        categories=CATEGORIES,
        timezone=firm.timezone,
    )
    written = lake.replace_where(
        frame,
        "gold.misconduct_trend_weekly",
        weeks_predicate(weeks),
        partition_by=["week_start"],
        base=lakehouse.uri,
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "weeks": [week.isoformat() for week in weeks],
            "flagged_messages": int(frame["flagged_messages"].sum()),
            "alerts_opened": int(frame["alerts_opened"].sum()),
            "alerts_table": alerts is not None,
            "reviews_table": reviews is not None,
        }
    )
