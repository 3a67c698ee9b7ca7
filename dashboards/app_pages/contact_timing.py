"""Contact timing: when contacts happen (local time) and how much falls outside business hours."""

import streamlit as st

from dashboards import charts, data, filters

st.title("Contact timing")
if missing := data.missing_tables((data.HOURS,)):
    st.info(data.missing_message(missing))
    st.stop()

selection = filters.current()
st.caption("Local time (America/Sao_Paulo). After hours: before 08:00, from 19:00, or weekend.")

st.subheader("Hour × weekday")
grid = data.hour_weekday(selection)
st.altair_chart(charts.hour_weekday_heatmap(grid), width="stretch")
st.download_button(
    "Download CSV", data.to_csv(grid), file_name="contacts_hour_weekday.csv", mime="text/csv",
    key="timing_grid_csv", on_click="ignore",
)

st.subheader("After-hours and weekend share per team")
teams = data.after_hours_by_team(selection)
if teams.is_empty():
    st.info("No contacts for these teams and dates.")
    st.stop()
left, right = st.columns(2)
with left:
    st.dataframe(
        teams, hide_index=True,
        column_config={
            "after_hours_share": st.column_config.NumberColumn("after hours", format="percent"),
            "weekend_share": st.column_config.NumberColumn("weekend", format="percent"),
        },
    )
    st.download_button(
        "Download CSV", data.to_csv(teams), file_name="after_hours_by_team.csv", mime="text/csv",
        key="timing_teams_csv", on_click="ignore",
    )
with right:
    chart = charts.share_bars(teams, "team", "after_hours_share", "After-hours share")
    st.altair_chart(chart, width="stretch")
