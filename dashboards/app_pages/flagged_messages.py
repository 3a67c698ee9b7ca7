"""Flagged messages: the redacted messages that matched misconduct rules, by score."""

import streamlit as st

from dashboards import charts, data, filters
from dashboards.metrics import SEVERITIES

st.title("Flagged messages")
if missing := data.missing_tables((data.SCORES,)):
    st.info(data.missing_message(missing))
    st.stop()

selection = filters.current()
left, right = st.columns(2)
categories = left.multiselect(
    "Categories", data.flagged_categories(selection), key="flagged_categories",
    placeholder="All categories",
)
severities = right.multiselect(
    "Severity", list(SEVERITIES), key="flagged_severities", placeholder="All severities"
)

flagged = data.flagged(selection, categories, severities)
st.caption(f"{flagged.height:,} flagged messages. Names, phones and documents are pseudonymized.")
if flagged.is_empty():
    st.info("No flagged messages for these filters.")
    st.stop()

counts = data.category_counts(flagged)
st.altair_chart(charts.count_bars(counts, "category", "messages", "Flagged messages"),
                width="stretch")
st.dataframe(
    flagged, hide_index=True,
    column_config={
        "score": st.column_config.ProgressColumn("score", min_value=0, max_value=1, format="%.2f")
    },
)
st.download_button(
    "Download CSV", data.to_csv(flagged), file_name="flagged_messages.csv", mime="text/csv",
    key="flagged_csv", on_click="ignore",
)
