"""Altair charts for the reports (specs only: the page embeds them)."""

from __future__ import annotations

import altair as alt
import polars as pl

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def daily_volume(daily: pl.DataFrame) -> alt.Chart:
    """Stacked bars per day: messages and calls (all teams)."""
    long = (
        daily.group_by("event_date")
        .agg(pl.col("messages").sum(), pl.col("calls").sum())
        .unpivot(index="event_date", on=["messages", "calls"], variable_name="channel")
    )
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(event_date):O", title="Day"),
            y=alt.Y("value:Q", title="Contacts", stack="zero"),
            color=alt.Color("channel:N", title=None),
            tooltip=[alt.Tooltip("event_date:T", title="day"), "channel:N", "value:Q"],
        )
        .properties(width=520, height=240)
    )


def hour_weekday(grid: pl.DataFrame) -> alt.Chart:
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
        .properties(width=620, height=200)
    )


def share_by(frame: pl.DataFrame, category: str, share: str, title: str) -> alt.Chart:
    """Bars of a 0..1 share per category."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                f"{share}:Q", title=title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            y=alt.Y(f"{category}:N", sort="-x", title=None),
            tooltip=[f"{category}:N", alt.Tooltip(f"{share}:Q", format=".1%")],
        )
        .properties(width=420, height=alt.Step(24))
    )


def count_by(frame: pl.DataFrame, category: str, count: str, title: str) -> alt.Chart:
    """Bars of a count per category."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{count}:Q", title=title, axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y(f"{category}:N", sort="-x", title=None),
            tooltip=[f"{category}:N", f"{count}:Q"],
        )
        .properties(width=420, height=alt.Step(24))
    )
