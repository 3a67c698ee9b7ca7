"""Contact timing: when contacts happen (local time) and how much falls outside business hours."""

import streamlit as st

from dashboards import auth, charts, data, filters, widgets

viewer = auth.guard("view_aggregates")
st.title("Contact timing")
if missing := data.missing_tables((data.TIMING,)):
    st.info(data.missing_message(missing))
    st.stop()

selection = filters.current()
scope = selection.describe()
st.caption(f"Local time ({data.timezone()}). After hours: outside the business hours of the "
           "firm's calendar, on weekends and on national holidays.")

st.subheader("Hour × weekday")
grid = data.hour_weekday(viewer, selection)
st.altair_chart(charts.hour_weekday_heatmap(grid), width="stretch")
widgets.download(viewer, grid, key="timing_grid_csv", file_name="contacts_hour_weekday.csv",
                 source=data.TIMING, filters=scope)

teams = data.after_hours_by_team(viewer, selection)
if teams.is_empty():
    st.info("No contacts for these teams and dates.")
    st.stop()

st.subheader("After-hours and weekend share per day")
trend = data.after_hours_trend(viewer, selection)
st.altair_chart(charts.share_lines(trend), width="stretch")
widgets.download(viewer, trend, key="timing_trend_csv", file_name="after_hours_trend.csv",
                 source=data.TIMING, filters=scope)

st.subheader("After-hours and weekend share per team")
left, right = st.columns(2)
with left:
    widgets.table(
        viewer, teams, key="timing_teams_csv", file_name="after_hours_by_team.csv",
        source=data.TIMING, filters=scope,
        column_config={
            "after_hours_share": st.column_config.NumberColumn("after hours", format="percent"),
            "weekend_share": st.column_config.NumberColumn("weekend", format="percent"),
        },
    )
with right:
    chart = charts.share_bars(teams, "team", "after_hours_share", "After-hours share")
    st.altair_chart(chart, width="stretch")
