"""Overview: headline numbers with deltas vs the previous period, daily trend, latest flags."""

import streamlit as st

from dashboards import auth, charts, data, filters, records, widgets
from dashboards.metrics import format_count, format_share, share_delta

viewer = auth.guard("view_aggregates")
st.title("Overview")
if missing := data.missing_tables():
    st.info(data.missing_message(missing))
    st.stop()

selection = filters.current()
previous = selection.previous()
st.caption(
    f"{selection.start} to {selection.end}, compared with the previous "
    f"{(selection.end - selection.start).days + 1} days ({previous.start} to {previous.end})."
)

kpis = data.overview_kpis(viewer, selection)
counts = [
    ("Messages", "messages", "off"),
    ("Calls", "calls", "off"),
    ("Counterparts", "counterparts", "off"),
    ("Flagged messages", "flagged", "inverse"),
]
columns = st.columns(len(counts) + 1)
for column, (label, name, color) in zip(columns, counts, strict=False):
    kpi = kpis[name]
    column.metric(label, format_count(kpi.value), kpi.delta, delta_color=color, border=True)
after_hours = kpis["after_hours_share"]
columns[-1].metric(
    "After-hours contacts", format_share(after_hours.value), share_delta(after_hours),
    delta_color="inverse", border=True,
    help="Share of contacts outside business hours, on weekends or holidays (local time).",
)

st.subheader("Messages and calls per day")
trend = data.daily_trend(viewer, selection)
st.altair_chart(charts.daily_trend_lines(trend), width="stretch")
widgets.download(viewer, trend, key="overview_trend_csv", file_name="daily_trend.csv",
                 source=data.FREQUENCY, filters=selection.describe())

if viewer.may("view_messages"):
    st.subheader("Latest flagged messages")
    latest = records.latest_flagged(viewer, selection)
    if latest.is_empty():
        st.write("No flagged messages in this period.")
    else:
        widgets.table(viewer, latest, key="overview_latest_csv", file_name="latest_flagged.csv",
                      source=data.SCORES, filters=selection.describe())
