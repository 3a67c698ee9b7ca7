"""Evidence: the redacted thread around an alert or between two parties, with the attachments
and documents sent and received, exportable as a zip with a SHA-256 manifest."""

import streamlit as st

from dashboards import alert_queue, auth, data, filters, records, widgets
from dashboards.roles import NotAllowed

viewer = auth.guard("view_evidence")
st.title("Evidence")
if missing := data.missing_tables((records.MESSAGES,)):
    st.info(data.missing_message(missing))
    st.stop()

selection = filters.current()
if selection is None:
    st.info(data.missing_message(data.missing_tables()))
    st.stop()
mode = st.radio("Thread", ["Around an alert", "Between two parties"], horizontal=True,
                key="evidence_mode")
if mode == "Around an alert":
    choices = alert_queue.alert_choices(viewer, selection)
    if not choices:
        st.info("No alerts in these dates: pick other dates or a pair of parties.")
        st.stop()
    alert_id = st.selectbox("Alert", choices, key="evidence_alert")
    context = st.slider("Messages before and after", 0, 50, 10, key="evidence_context")
    thread = records.evidence_for_alert(viewer, alert_id, context)
    subject = {"alert_id": alert_id, "context": context}
else:
    left, right = st.columns(2)
    employee = left.selectbox("Employee", data.employees(viewer, selection),
                              key="evidence_employee")
    counterparts = data.employee_pairs(viewer, selection, employee)["counterpart_token"]
    counterpart = right.selectbox("Counterpart", counterparts.to_list(),
                                  key="evidence_counterpart")
    if not (employee and counterpart):
        st.stop()
    thread = records.evidence_between(viewer, employee, counterpart, selection)
    subject = {"employee_token": employee, "counterpart_token": counterpart,
               "start": selection.start, "end": selection.end}

st.caption(f"{thread.height:,} messages, local time; flagged ones marked. Viewing is logged.")
if thread.is_empty():
    st.info("No messages found for this selection.")
    st.stop()
st.dataframe(thread, hide_index=True)
st.subheader("Attachments and documents")
attachments = records.attachments(thread)
if attachments.is_empty():
    st.write("No media or documents in this thread.")
else:
    widgets.table(viewer, attachments, key="evidence_attachments_csv",
                  file_name="attachments.csv", source=records.MESSAGES, filters=subject)

st.subheader("Export")
reason = st.text_input("Why are you exporting this evidence?", key="evidence_reason",
                       placeholder="case, request or legal basis")
if st.button("Prepare export", key="evidence_prepare"):
    try:
        bundle = records.export_evidence(viewer, thread, subject, reason)
    except NotAllowed as exc:
        st.error(str(exc))
    else:
        st.session_state["evidence_bundle"] = (subject, bundle)
prepared = st.session_state.get("evidence_bundle")
if prepared and prepared[0] == subject:
    bundle = prepared[1]
    st.download_button("Download evidence (zip)", bundle.data, file_name="evidence.zip",
                       mime="application/zip", key="evidence_zip", on_click="ignore")
    st.caption(f"Manifest SHA-256 {bundle.manifest_sha256} · zip SHA-256 {bundle.sha256} "
               "(recorded in the access log). Check with `sha256sum -c MANIFEST.sha256`.")
