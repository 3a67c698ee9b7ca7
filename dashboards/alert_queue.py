"""The alert queue: alerts of the viewer's teams with their current review state, and the review
actions (claim, assign, escalate, resolve, reopen, note) through
:mod:`pipelines.governance.alert_reviews`, which appends to gold.alert_reviews and logs.

Same rules as :mod:`dashboards.data`: permission checked on every call, teams narrowed to the
viewer's; snippets only for viewers who may read message text, and their display is logged.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import audit
from dashboards.data import Filters, access_policy, lakehouse_uri, timezone
from dashboards.roles import Viewer
from pipelines import lake
from pipelines.governance import alert_reviews
from pipelines.governance.alert_reviews import AlertState, ReviewAction

ALERTS = "gold.alerts"
ALERT_COLUMNS = [
    "alert_id", "status", "severity", "score", "category", "team", "employee_token",
    "counterpart_token", "first_seen", "last_seen", "days", "assignee", "outcome",
    "reviewed_by", "reviewed_at", "rule_ids", "reason", "snippet",
]


@st.cache_resource(ttl=60, max_entries=8, show_spinner=False)
def read_whole(name: str, base: str) -> pl.DataFrame:
    """A table read whole (gold.alerts), cached for a minute (as a resource: no pickling)."""
    return lake.read_table(name, base)


def _alerts(viewer: Viewer, teams: tuple[str, ...] = ()) -> pl.DataFrame:
    viewer.require("view_alerts")
    base = lakehouse_uri()
    if not lake.table_exists(ALERTS, base):
        return pl.DataFrame()
    alerts = read_whole(ALERTS, base)
    scope = viewer.team_scope(teams)
    return alerts if scope is None else alerts.filter(pl.col("team").is_in(list(scope)))


def alerts_exist() -> bool:
    return lake.table_exists(ALERTS, lakehouse_uri())


def alerts(
    viewer: Viewer, f: Filters, statuses: list[str] = (), categories: list[str] = ()
) -> pl.DataFrame:
    """Alerts active in the dates (their days with evidence overlap them), with their current
    review state (latest gold.alert_reviews row, else the alert's own status); the snippet
    column only for viewers who may read message text."""
    found = _alerts(viewer, f.teams)
    if found.is_empty():
        return pl.DataFrame(schema={name: pl.Utf8 for name in ALERT_COLUMNS})
    tz = timezone()
    first = pl.col("first_seen").dt.convert_time_zone(tz)
    last = pl.col("last_seen").dt.convert_time_zone(tz)
    # event_date .. last_event_date: the business-local days with evidence
    found = found.filter((pl.col("event_date") <= f.end) & (pl.col("last_event_date") >= f.start))
    states = alert_reviews.current_states(alert_reviews.read_reviews(lakehouse_uri()))
    table = (
        found.join(states, on="alert_id", how="left", suffix="_review")
        .with_columns(
            pl.coalesce("status_review", "status").alias("status"), first, last,
        )
        .select([c for c in ALERT_COLUMNS if c in found.columns or c in states.columns])
    )
    if statuses:
        table = table.filter(pl.col("status").is_in(list(statuses)))
    if categories:
        table = table.filter(pl.col("category").is_in(list(categories)))
    table = table.sort(["score", "last_seen"], descending=[True, True])
    if not viewer.may("view_messages"):
        return table.drop("snippet", strict=False)
    audit.frame_shown(viewer, "alerts", ALERTS, {**f.describe(), "statuses": list(statuses),
                                         "categories": list(categories)}, table)
    return table


def alert_choices(viewer: Viewer, f: Filters) -> list[str]:
    """Ids of the alerts active in the dates, strongest first (no text, nothing logged)."""
    found = _alerts(viewer, f.teams)
    if found.is_empty():
        return []
    active = found.filter((pl.col("event_date") <= f.end) & (pl.col("last_event_date") >= f.start))
    return active.sort(["score", "alert_id"], descending=[True, False])["alert_id"].to_list()


def alert_summary(queue: pl.DataFrame) -> pl.DataFrame:
    """Alerts per category and current status (of an :func:`alerts` frame)."""
    return queue.group_by("category", "status").len("alerts").sort("category", "status")


def alert_categories(viewer: Viewer, f: Filters) -> list[str]:
    found = _alerts(viewer, f.teams)
    return sorted(found["category"].unique().to_list()) if found.height else []


def actions_for(status: str) -> list[str]:
    """The review actions allowed on an alert in ``status``."""
    return [a for a, allowed in alert_reviews.ALLOWED_FROM.items() if status in allowed]


def alert(viewer: Viewer, alert_id: str) -> dict | None:
    """One alert the viewer may see, as a dict (None if missing or another team's)."""
    found = _alerts(viewer)
    if found.is_empty():
        return None
    rows = found.filter(pl.col("alert_id") == alert_id)
    return rows.row(0, named=True) if rows.height else None


def alert_history(viewer: Viewer, alert_id: str) -> pl.DataFrame:
    """Every review row of an alert the viewer may see, oldest first, ``at`` local."""
    if alert(viewer, alert_id) is None:
        return pl.DataFrame(schema=alert_reviews.ALERT_REVIEWS_SCHEMA)
    reviews = alert_reviews.read_reviews(lakehouse_uri())
    return reviews.filter(pl.col("alert_id") == alert_id).with_columns(
        pl.col("at").dt.convert_time_zone(timezone())
    )


def reviewers(viewer: Viewer) -> list[str]:
    """Logins that may be assigned an alert (their role may review alerts)."""
    viewer.require("review_alerts")
    policy = access_policy()
    return sorted(u for u, role in policy.users.items() if policy.may(role, "review_alerts"))


def review(
    viewer: Viewer,
    alert_id: str,
    action: str,
    *,
    outcome: str | None = None,
    assignee: str | None = None,
    note: str | None = None,
) -> AlertState:
    """Append one review action (and its access-log row); ReviewError says what was wrong."""
    viewer.require("review_alerts")
    return alert_reviews.record_review(
        ReviewAction(alert_id, action, viewer.user, assignee=assignee, outcome=outcome,
                     note=note),
        policy=access_policy(),
        alert_exists=lambda a: alert(viewer, a) is not None,
        base=lakehouse_uri(),
        origin=viewer.origin(),
        page=viewer.page or None,
    )
