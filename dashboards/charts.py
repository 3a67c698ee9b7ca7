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
