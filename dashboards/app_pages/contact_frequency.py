"""Contact frequency: who talks to whom and how often, per employee and per channel."""

import streamlit as st

from dashboards import auth, charts, data, filters, widgets

viewer = auth.guard("view_aggregates")
st.title("Contact frequency")
if missing := data.missing_tables((data.FREQUENCY,)):
    st.info(data.missing_message(missing))
    st.stop()

selection = filters.current()
scope = selection.describe()
pairs = data.top_pairs(viewer, selection, limit=None)
if pairs.is_empty():
    st.info("No contacts for these teams and dates.")
    st.stop()

st.subheader("Top employee–counterpart pairs")
st.altair_chart(charts.top_pairs_bar(pairs), width="stretch")
widgets.table(viewer, pairs, key="frequency_pairs_csv", file_name="contact_pairs.csv",
              source=data.FREQUENCY, filters=scope)

st.subheader("Who talks to whom")
nodes, edges = data.contact_network(viewer, selection)
st.caption(f"The {edges.height} busiest pairs: employees inside (coloured by team), "
           "counterparts outside; thicker lines, more contacts.")
st.altair_chart(charts.network(nodes, edges), width="stretch")
widgets.download(viewer, edges, key="frequency_network_csv", file_name="contact_network.csv",
                 source=data.FREQUENCY, filters=scope)

st.subheader("Per employee")
employee = st.selectbox("Employee", data.employees(viewer, selection), key="frequency_employee")
if employee:
    left, right = st.columns(2)
    with left:
        widgets.table(viewer, data.employee_pairs(viewer, selection, employee),
                      key="frequency_employee_csv", file_name="employee_contacts.csv",
                      source=data.FREQUENCY, filters={**scope, "employee_token": employee})
    with right:
        trend = data.employee_trend(viewer, selection, employee)
        st.altair_chart(charts.daily_trend_lines(trend), width="stretch")

st.subheader("By channel")
channels = data.channel_summary(viewer, selection)
left, right = st.columns(2)
with left:
    widgets.table(viewer, channels, key="frequency_channel_csv",
                  file_name="contacts_by_channel.csv", source=data.FREQUENCY, filters=scope)
with right:
    st.altair_chart(charts.count_bars(channels, "channel", "contacts", "Contacts"), width="stretch")
