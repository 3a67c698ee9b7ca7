"""Alerts & review queue: the alerts of the selected teams and dates, their current review state,
and (for reviewers) claim, assign, escalate, resolve, reopen and notes."""

import streamlit as st

from dashboards import alert_queue, auth, charts, data, filters, widgets
from pipelines.governance.alert_reviews import OUTCOMES, STATUSES, ReviewError

viewer = auth.guard("view_alerts")
st.title("Alerts & review queue")
if not alert_queue.alerts_exist():
    st.info(data.missing_message([alert_queue.ALERTS]))
    st.stop()
if done := st.session_state.pop("review_done", None):
    st.success(done)

selection = filters.current()
if selection is None:
    st.info(data.missing_message(data.missing_tables()))
    st.stop()
left, right = st.columns(2)
statuses = left.multiselect("Status", list(STATUSES), default=["open", "in_review", "escalated"],
                            key="alerts_status", placeholder="Any status")
categories = right.multiselect("Category", alert_queue.alert_categories(viewer, selection),
                               key="alerts_category", placeholder="All categories")
queue = alert_queue.alerts(viewer, selection, statuses, categories)
st.caption(f"{queue.height:,} alerts whose activity overlaps {selection.start} to "
           f"{selection.end}. Current status = the latest review action.")
if queue.is_empty():
    st.info("No alerts for these filters.")
    st.stop()
st.altair_chart(charts.alert_bars(alert_queue.alert_summary(queue)), width="stretch")
widgets.table(viewer, queue, key="alerts_csv", file_name="alerts.csv", source=alert_queue.ALERTS,
              filters={**selection.describe(), "statuses": statuses, "categories": categories},
              column_config={"score": st.column_config.ProgressColumn(
                  "score", min_value=0, max_value=1, format="%.2f")})

st.subheader("Alert")
alert_id = st.selectbox("Alert", queue["alert_id"].to_list(), key="alerts_selected")
current = queue.filter(queue["alert_id"] == alert_id).row(0, named=True)
st.markdown(f"**{current['category']}** · {current['severity']} · score {current['score']:.2f} "
            f"· team {current['team']} · status **{current['status']}**"
            + (f" · assigned to {current['assignee']}" if current.get("assignee") else ""))
st.write(current.get("reason") or "")
if current.get("snippet"):
    st.info(current["snippet"], icon=":material/chat:")
history = alert_queue.alert_history(viewer, alert_id)
if history.height:
    widgets.table(viewer, history, key="alerts_history_csv", file_name=f"{alert_id}_reviews.csv",
                  source="gold.alert_reviews", filters={"alert_id": alert_id})

if viewer.may("review_alerts"):
    st.subheader("Review")
    with st.form("review_form", clear_on_submit=True):
        action = st.selectbox("Action", alert_queue.actions_for(current["status"]),
                              key="review_action")
        outcome = st.selectbox("Outcome (when resolving)", list(OUTCOMES), index=None,
                               key="review_outcome")
        assignee = st.selectbox("Assign to (when assigning)", alert_queue.reviewers(viewer),
                                index=None, key="review_assignee")
        note = st.text_area("Note", key="review_note",
                            help="Required to escalate or reopen. Refer to people by pseudonym "
                                 "(P-…): no names, phone numbers or documents.")
        submitted = st.form_submit_button("Record action")
    if submitted:
        try:
            after = alert_queue.review(viewer, alert_id, action, outcome=outcome, assignee=assignee,
                                   note=note)
        except ReviewError as exc:
            st.error(str(exc))
        else:
            st.session_state["review_done"] = f"{alert_id}: {action} recorded ({after.status})."
            st.rerun()
