"""Contact frequency: who talks to whom and how often, per employee and per channel."""

import streamlit as st

from dashboards import charts, data, filters

st.title("Contact frequency")
if missing := data.missing_tables((data.FREQUENCY,)):
    st.info(data.missing_message(missing))
    st.stop()

selection = filters.current()
pairs = data.top_pairs(selection, limit=None)
if pairs.is_empty():
    st.info("No contacts for these teams and dates.")
    st.stop()

st.subheader("Top employee–counterpart pairs")
st.altair_chart(charts.top_pairs_bar(pairs), width="stretch")
st.dataframe(pairs, hide_index=True)
st.download_button(
    "Download CSV", data.to_csv(pairs), file_name="contact_pairs.csv", mime="text/csv",
    key="frequency_pairs_csv", on_click="ignore",
)

st.subheader("Per employee")
employee = st.selectbox("Employee", data.employees(selection), key="frequency_employee")
if employee:
    left, right = st.columns(2)
    employee_pairs = data.employee_pairs(selection, employee)
    with left:
        st.dataframe(employee_pairs, hide_index=True)
        st.download_button(
            "Download CSV", data.to_csv(employee_pairs), file_name="employee_contacts.csv",
            mime="text/csv", key="frequency_employee_csv", on_click="ignore",
        )
    with right:
        trend = data.employee_trend(selection, employee)
        st.altair_chart(charts.daily_trend_lines(trend), width="stretch")

st.subheader("By channel")
channels = data.channel_summary(selection)
left, right = st.columns(2)
with left:
    st.dataframe(channels, hide_index=True)
    st.download_button(
        "Download CSV", data.to_csv(channels), file_name="contacts_by_channel.csv",
        mime="text/csv", key="frequency_channel_csv", on_click="ignore",
    )
with right:
    st.altair_chart(charts.count_bars(channels, "channel", "contacts", "Contacts"), width="stretch")
