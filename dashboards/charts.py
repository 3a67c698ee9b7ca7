"""Altair chart builders over the frames from :mod:`dashboards.data` (no reads, no Streamlit)."""

from __future__ import annotations

import altair as alt
import pandas  # noqa: F401  (see below)
import polars as pl

from dashboards.metrics import WEEKDAYS

# Altair looks pandas up in sys.modules while building a chart; when another server thread was
# still importing it lazily, that lookup saw a half-initialised module (AttributeError seen in
# the browser test). Importing it fully here, before any chart is built, removes the race.


def top_pairs_bar(pairs: pl.DataFrame, limit: int = 15) -> alt.Chart:
    """Horizontal bars: contacts per employee -> counterpart pair, messages and calls stacked."""
    top = pairs.head(limit).with_columns(
        pl.concat_str("employee_token", pl.lit(" → "), "counterpart_token").alias("pair"),
        (pl.col("messages_sent") + pl.col("messages_received")).alias("messages"),
    )
    long = top.unpivot(
        index=["pair", "team", "contacts"], on=["messages", "calls"], variable_name="kind"
    )
    order = top["pair"].to_list()
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title="Contacts", stack="zero"),
            y=alt.Y("pair:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
            color=alt.Color("kind:N", title=None),
            tooltip=["pair:N", "team:N", "kind:N", "value:Q", "contacts:Q"],
        )
        .properties(height=_bar_height())
    )


def hour_weekday_heatmap(grid: pl.DataFrame) -> alt.Chart:
    """Hour (local) x weekday rectangles coloured by contacts."""
    return (
        alt.Chart(grid)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="Hour (local time)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("day:N", sort=list(WEEKDAYS), title=None),
            color=alt.Color("contacts:Q", title="Contacts", scale=alt.Scale(scheme="blues")),
            tooltip=["day:N", "hour:O", "contacts:Q"],
        )
        .properties(height=240)
    )


def daily_trend_lines(trend: pl.DataFrame) -> alt.Chart:
    """One line per metric over event_date, from the long (event_date, metric, value) frame."""
    return (
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=alt.X("event_date:T", title="Day"),
            y=alt.Y("value:Q", title="Count"),
            color=alt.Color("metric:N", title=None),
            tooltip=[alt.Tooltip("event_date:T", title="day"), "metric:N", "value:Q"],
        )
        .properties(height=260)
    )


def share_bars(frame: pl.DataFrame, category: str, share: str, title: str) -> alt.Chart:
    """Bars of a 0..1 share per category (e.g. after-hours share per team)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{share}:Q", title=title, axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            y=alt.Y(f"{category}:N", sort="-x", title=None),
            tooltip=[f"{category}:N", alt.Tooltip(f"{share}:Q", format=".1%")],
        )
        .properties(height=_bar_height())
    )


def count_bars(frame: pl.DataFrame, category: str, count: str, title: str) -> alt.Chart:
    """Bars of a count per category (e.g. flagged messages per category, contacts per channel)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{count}:Q", title=title, axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y(f"{category}:N", sort="-x", title=None),
            tooltip=[f"{category}:N", f"{count}:Q"],
        )
        .properties(height=_bar_height())
    )


def _bar_height() -> alt.Step:
    """A fixed band per bar (Streamlit's autosize "fit" would squeeze a fixed total height)."""
    return alt.Step(28)


def network(nodes: pl.DataFrame, edges: pl.DataFrame) -> alt.LayerChart:
    """Node-link chart of who talks to whom (positions from :mod:`dashboards.network`)."""
    axis = alt.Axis(labels=False, ticks=False, grid=False, domain=False, title=None)
    links = (
        alt.Chart(edges)
        .mark_rule(opacity=0.45)
        .encode(
            x=alt.X("x:Q", axis=axis), y=alt.Y("y:Q", axis=axis), x2="x2:Q", y2="y2:Q",
            strokeWidth=alt.StrokeWidth("contacts:Q", scale=alt.Scale(range=[0.5, 6]),
                                        legend=None),
            color=alt.Color("team:N", title="Team"),
            tooltip=["employee_token:N", "counterpart_token:N", "team:N", "contacts:Q"],
        )
    )
    points = (
        alt.Chart(nodes)
        .mark_circle(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("x:Q", axis=axis), y=alt.Y("y:Q", axis=axis),
            size=alt.Size("contacts:Q", scale=alt.Scale(range=[40, 500]), legend=None),
            color=alt.condition(alt.datum.kind == "counterpart", alt.value("#9aa0a6"),
                                alt.Color("team:N", title="Team")),
            shape=alt.Shape("kind:N", title=None),
            tooltip=["token:N", "kind:N", "team:N", "contacts:Q"],
        )
    )
    return alt.layer(links, points).properties(height=520)


def share_lines(trend: pl.DataFrame) -> alt.Chart:
    """Shares (0..1) per day, one line per metric, from the long (event_date, metric, share)."""
    return (
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=alt.X("event_date:T", title="Day"),
            y=alt.Y("share:Q", title="Share of contacts", axis=alt.Axis(format="%")),
            color=alt.Color("metric:N", title=None),
            tooltip=[alt.Tooltip("event_date:T", title="day"), "metric:N",
                     alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(height=240)
    )


def weekly_category_lines(weekly: pl.DataFrame) -> alt.Chart:
    """Flagged messages per week, one line per category."""
    return (
        alt.Chart(weekly)
        .mark_line(point=True)
        .encode(
            x=alt.X("week_start:T", title="Week (starting Monday)"),
            y=alt.Y("flagged_messages:Q", title="Flagged messages"),
            color=alt.Color("category:N", title="Category"),
            tooltip=[alt.Tooltip("week_start:T", title="week"), "category:N",
                     "flagged_messages:Q"],
        )
        .properties(height=260)
    )


def team_category_heatmap(by_team: pl.DataFrame) -> alt.Chart:
    """Team x category rectangles coloured by flagged messages."""
    return (
        alt.Chart(by_team)
        .mark_rect()
        .encode(
            x=alt.X("category:N", title=None, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("team:N", title=None),
            color=alt.Color("flagged_messages:Q", title="Flagged", scale=alt.Scale(scheme="reds")),
            tooltip=["team:N", "category:N", "flagged_messages:Q", "alerts_opened:Q",
                     "confirmed:Q", "false_positives:Q"],
        )
        .properties(height=_bar_height())
    )


def stacked_daily_bars(frame: pl.DataFrame, kind: str, value: str) -> alt.Chart:
    """Bars per day stacked by ``kind`` (e.g. inbound/outbound calls, passed/failed checks)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("event_date:T", title="Day"),
            y=alt.Y(f"{value}:Q", title=value.replace("_", " ").capitalize(), stack="zero"),
            color=alt.Color(f"{kind}:N", title=None),
            tooltip=[alt.Tooltip("event_date:T", title="day"), f"{kind}:N", f"{value}:Q"],
        )
        .properties(height=260)
    )


def audit_per_day(log: pl.DataFrame) -> alt.Chart:
    """Access events per day and action (the log's local ``at``)."""
    per_day = (
        log.group_by(pl.col("at").dt.date().alias("event_date"), "action")
        .len("events")
        .sort("event_date", "action")
    )
    return stacked_daily_bars(per_day, "action", "events")


def alert_bars(summary: pl.DataFrame) -> alt.Chart:
    """Alerts per category, stacked by current status."""
    return (
        alt.Chart(summary)
        .mark_bar()
        .encode(
            x=alt.X("alerts:Q", title="Alerts", axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("category:N", sort="-x", title=None),
            color=alt.Color("status:N", title="Status"),
            tooltip=["category:N", "status:N", "alerts:Q"],
        )
        .properties(height=_bar_height())
    )
