"""Data quality: the latest contract check result of every table."""

import streamlit as st

from dashboards import auth, charts, checks, widgets

viewer = auth.guard("view_data_quality")
st.title("Data quality")
if checks.stored_results_exist():
    latest = checks.latest_results(viewer)
    failed = latest.filter(~latest["passed"])
    left, right = st.columns(2)
    left.metric("Checks", f"{latest.height:,}", border=True)
    right.metric("Failing", f"{failed.height:,}", border=True)
    st.subheader("Latest result per table and check")
    widgets.table(viewer, latest, key="quality_latest_csv", file_name="check_results.csv",
                  source=checks.CHECK_RESULTS)
    st.subheader("Checks per day")
    history = checks.result_history(viewer)
    st.altair_chart(charts.stacked_daily_bars(history.rename({"day": "event_date"}), "outcome",
                                              "checks"), width="stretch")
else:
    st.info("The pipeline has not stored check results yet (audit.check_results). You can "
            "validate the latest day of every silver and gold table against its contract now.")
if st.button("Validate latest partitions now", key="quality_validate"):
    st.session_state["quality_live"] = True
if st.session_state.get("quality_live"):
    live = checks.validate_latest(viewer)
    st.subheader("Validated now")
    st.caption("One row per contract rule; failures first.")
    widgets.table(viewer, live, key="quality_live_csv", file_name="validation_now.csv",
                  source="data_contracts")
