"""The daily digest of new alerts: the alerts opened on one business-local day (gold.alerts
``first_seen``), and that day's flagged messages per category (gold.message_scores).

Only pseudonyms, ids, categories, scores and the alerts' redacted snippets and reasons go in.
As a second line of defence, a snippet or reason that still shows an e-mail, CPF or phone number
in clear is withheld (the pipeline's contract check should have stopped it before).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import polars as pl

from pipelines import lake
from pipelines.quality.table_rules import PII_PATTERNS
from pipelines.reports import charts
from pipelines.reports.page import Report, chart_html, note, page, section, table_html

KIND = "alert_digest"
ALERTS = "gold.alerts"
SCORES = "gold.message_scores"
DIGEST_COLUMNS = (
    "alert_id",
    "first_seen",
    "category",
    "severity",
    "score",
    "team",
    "employee_token",
    "counterpart_token",
    "status",
    "snippet",
    "reason",
)
TEXT_COLUMNS = ("snippet", "reason")
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
# typed placeholders, pseudonyms and ids hold digits that are not personal data
_IDS = re.compile(r"\[[A-Z_]+ [A-Z]-[0-9a-f]{12,16}\]|\b[A-Z]-[0-9a-f]{12,16}\b")
WITHHELD = "[withheld: looks like personal data in clear]"


def clear_pii_kind(text: str | None) -> str | None:
    """The kind of the first e-mail / CPF / phone number in clear in ``text``, else None."""
    if not text:
        return None
    cleaned = _IDS.sub(" ", text)
    for kind, pattern in PII_PATTERNS.items():
        if re.search(pattern, cleaned):
            return kind
    return None


def load_day(base: str | None, day: date) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """Alerts first seen around ``day`` (a day either side, for the time zone) and the day's
    flagged messages; None for a table that does not exist yet."""
    alerts = scores = None
    if lake.table_exists(ALERTS, base):
        scan = lake.scan_table(ALERTS, base)
        columns = [c for c in DIGEST_COLUMNS if c in scan.collect_schema().names()]
        around = (
            pl.col("first_seen")
            .dt.date()
            .is_between(day - timedelta(days=1), day + timedelta(days=1))
        )
        alerts = scan.select(columns).filter(around).collect()
    if lake.table_exists(SCORES, base):
        scores = (
            lake.scan_table(SCORES, base)
            .filter(pl.col("event_date") == day)
            .select("message_id", "categories", "severity")
            .collect()
        )
    return alerts, scores


def new_alerts(alerts: pl.DataFrame, day: date, timezone: str) -> pl.DataFrame:
    """Alerts first seen on the local ``day``, highest severity and score first, first_seen
    shown in local time, clear-looking PII in text withheld."""
    local = pl.col("first_seen").dt.convert_time_zone(timezone)
    todays = alerts.filter(local.dt.date() == day).with_columns(local.alias("first_seen"))
    for column in TEXT_COLUMNS:
        if column in todays.columns:
            todays = todays.with_columns(
                pl.col(column).map_elements(
                    lambda text: WITHHELD if clear_pii_kind(text) else text,
                    return_dtype=pl.Utf8,
                )
            )
    order = [pl.col("first_seen")]
    if "severity" in todays.columns:
        order.insert(0, pl.col("severity").replace_strict(SEVERITY_ORDER, default=3))
    if "score" in todays.columns:
        order.insert(-1, -pl.col("score"))
    return todays.sort(order)


def by_category(alerts: pl.DataFrame, scores: pl.DataFrame | None) -> pl.DataFrame:
    """New alerts and flagged messages of the day per category."""
    opened = alerts.group_by("category").agg(alerts=pl.len())
    flagged = (
        scores.select(pl.col("categories").explode().alias("category"))
        .drop_nulls()
        .group_by("category")
        .agg(flagged_messages=pl.len())
        if scores is not None
        else pl.DataFrame(schema={"category": pl.Utf8, "flagged_messages": pl.UInt32})
    )
    return (
        opened.join(flagged, on="category", how="full", coalesce=True)
        .with_columns(pl.col("alerts", "flagged_messages").fill_null(0))
        .sort(["alerts", "flagged_messages", "category"], descending=[True, True, False])
    )


def build_alert_digest(
    alerts: pl.DataFrame | None, scores: pl.DataFrame | None, day: date, timezone: str
) -> Report:
    """The digest of ``day`` (business-local date); a missing table counts as no rows."""
    empty = pl.DataFrame(
        schema={"alert_id": pl.Utf8, "category": pl.Utf8, "first_seen": pl.Datetime("us", "UTC")}
    )
    todays = new_alerts(alerts if alerts is not None else empty, day, timezone)
    categories = by_category(todays, scores)
    tables = {"alerts": todays, "by_category": categories}
    sources = []
    if alerts is None:
        sources.append(f"{ALERTS} does not exist yet: no alerts can be listed.")
    if scores is None:
        sources.append(f"{SCORES} does not exist yet: no flagged messages counted.")
    withheld = sum(
        todays.filter(pl.col(c) == WITHHELD).height for c in TEXT_COLUMNS if c in todays.columns
    )
    if withheld:
        sources.append(f"{withheld} snippet(s) or reason(s) withheld: they looked like clear PII.")
    parts = [table_html(categories)]
    if categories.height:
        parts.insert(
            0,
            chart_html(
                charts.count_by(categories, "category", "alerts", "Alerts"), "alerts-by-category"
            ),
        )
    sections = [
        section("New alerts per category", *parts),
        section(
            f"New alerts ({todays.height})",
            table_html(todays) if todays.height else note("No alert was opened on this day."),
        ),
        section(
            "Notes",
            *(note(text) for text in sources),
            note(
                f"first_seen in local time ({timezone}). Pseudonyms only: re-identify "
                "through `vigia reidentify` with a reason (audited)."
            ),
        ),
    ]
    title = f"New alerts, {day.isoformat()}"
    subtitle = f"Alerts opened on {day.isoformat()} (business-local date) and flagged messages."
    return Report(KIND, day, title, page(title, subtitle, sections), tables)
