"""Re-identification: who a pseudonym stands for, for allowed roles, with a written reason.
Every attempt, granted or denied, is recorded in the access log before anything is shown."""

import streamlit as st

from dashboards import auth, records
from pipelines.governance.reidentification import AccessDenied

viewer = auth.guard("reidentify")
st.title("Re-identification")
st.caption("Only for a documented need (a case, a data subject's request, a legal order). "
           "The reason you type is stored with your login in the access log.")
with st.form("reidentify_form"):
    token = st.text_input("Pseudonym", key="reidentify_token", placeholder="P-0123456789ab")
    reason = st.text_area("Reason", key="reidentify_reason")
    submitted = st.form_submit_button("Re-identify")
if submitted:
    try:
        result = records.reidentify_token(viewer, token, reason)
    except AccessDenied as exc:
        st.error(f"Access denied: {exc}")
    else:
        identity = result.identity
        st.success(f"Access logged as event {result.event.event_id}.")
        shown = {"identifier": identity.identifier, "kind": identity.kind,
                 "name": identity.display_name, "role": identity.role,
                 "directory id": identity.directory_id,
                 "also known as": ", ".join(identity.aliases)}
        st.table({label: [value] for label, value in shown.items() if value})
