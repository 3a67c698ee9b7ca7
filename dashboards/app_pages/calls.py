"""Calls: volume per day and direction, answered rate and durations per agent."""

import streamlit as st

from dashboards import auth, charts, data, filters, widgets
from dashboards.metrics import format_count, format_share

viewer = auth.guard("view_aggregates")
st.title("Calls")
if missing := data.missing_tables((data.CALLS,)):
    st.info(data.missing_message(missing))
    st.stop()

selection = filters.current()
scope = selection.describe()
totals = data.call_kpis(viewer, selection)
if not totals["calls"]:
    st.info("No calls for these teams and dates.")
    st.stop()


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} s"


columns = st.columns(6)
columns[0].metric("Calls", format_count(totals["calls"]), border=True)
columns[1].metric("Inbound / outbound",
                  f"{totals['calls_in']:,} / {totals['calls_out']:,}", border=True)
columns[2].metric("Answered", format_share(totals["answered_rate"]), border=True)
columns[3].metric("Average duration", seconds(totals["avg_duration_s"]), border=True,
                  help="Billed seconds of answered calls.")
columns[4].metric("p90 duration", seconds(totals["p90_duration_s"]), border=True,
                  help="Daily 90th percentiles averaged, weighted by answered calls.")
flags = [totals["dnc_calls"], totals["no_consent_calls"]]
columns[5].metric(
    "Do-not-call / no consent",
    "not checked" if all(v is None for v in flags) else " / ".join(format_count(v) for v in flags),
    border=True, help="Calls to numbers on the do-not-call list or without consent.",
)

st.subheader("Calls per day")
per_day = data.calls_per_day(viewer, selection)
st.altair_chart(charts.stacked_daily_bars(per_day, "direction", "calls"), width="stretch")
widgets.download(viewer, per_day, key="calls_daily_csv", file_name="calls_per_day.csv",
                 source=data.CALLS, filters=scope)

st.subheader("Per agent")
agents = data.calls_by_agent(viewer, selection)
widgets.table(
    viewer, agents, key="calls_agents_csv", file_name="calls_by_agent.csv", source=data.CALLS,
    filters=scope,
    column_config={"answered_rate": st.column_config.NumberColumn("answered", format="percent")},
)
