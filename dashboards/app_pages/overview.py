"""Overview: headline numbers with deltas vs the previous period, daily trend, latest flags."""

import streamlit as st

from dashboards import charts, data, filters
from dashboards.metrics import format_count, format_share, share_delta

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

kpis = data.overview_kpis(selection)
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
    help="Share of contacts before 08:00, from 19:00, or on a weekend (local time).",
)

st.subheader("Messages and calls per day")
st.altair_chart(charts.daily_trend_lines(data.daily_trend(selection)), width="stretch")

st.subheader("Latest flagged messages")
latest = data.latest_flagged(selection)
if latest.is_empty():
    st.write("No flagged messages in this period.")
else:
    st.dataframe(latest, hide_index=True)
    st.download_button(
        "Download CSV", data.to_csv(latest), file_name="latest_flagged.csv", mime="text/csv",
        key="overview_latest_csv", on_click="ignore",
    )
