"""Access audit (DPO): who saw, exported, reviewed or re-identified what, when, from where."""

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from dashboards import auth, charts, records, widgets
from pipelines.governance.access_log import DENIED

viewer = auth.guard("view_access_log")
st.title("Access audit")
today = datetime.now(UTC).date()
left, middle, right = st.columns(3)
dates = left.date_input("Dates (UTC)", (today - timedelta(days=6), today), key="audit_dates",
                        format="YYYY-MM-DD")
start, end = (dates[0], dates[-1]) if isinstance(dates, (tuple, list)) and dates else (today,
                                                                                        today)
since = datetime.combine(start, time.min, UTC)
until = datetime.combine(end, time.max, UTC)
everything = records.access_log(viewer, since, until)
users = middle.multiselect("Users", sorted(everything["user"].unique().to_list()),
                           key="audit_users", placeholder="All users")
actions = right.multiselect("Actions", sorted(everything["action"].unique().to_list()),
                            key="audit_actions", placeholder="All actions")
log = records.access_log(viewer, since, until, users, actions)
columns = st.columns(4)
columns[0].metric("Events", f"{log.height:,}", border=True)
columns[1].metric("Denied", f"{log.filter(log['outcome'] == DENIED).height:,}", border=True)
columns[2].metric("Exports", f"{log.filter(log['action'] == 'export').height:,}", border=True)
columns[3].metric("Re-identifications",
                  f"{log.filter(log['action'] == 'reidentify').height:,}", border=True)
if log.is_empty():
    st.info("No access events for these filters.")
    st.stop()
st.altair_chart(charts.audit_per_day(log), width="stretch")
widgets.table(viewer, log, key="audit_csv", file_name="access_log.csv",
              source="audit.access_log",
              filters={"since": since, "until": until, "users": users, "actions": actions})
