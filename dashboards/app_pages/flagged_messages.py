"""Flagged messages: the redacted messages that matched misconduct rules, by score."""

import streamlit as st

from dashboards import auth, charts, data, filters, records, widgets
from dashboards.metrics import SEVERITIES

viewer = auth.guard("view_messages")
st.title("Flagged messages")
if missing := data.missing_tables((data.SCORES,)):
    st.info(data.missing_message(missing))
    st.stop()

selection = filters.current()
left, right = st.columns(2)
categories = left.multiselect(
    "Categories", records.flagged_categories(viewer, selection), key="flagged_categories",
    placeholder="All categories",
)
severities = right.multiselect(
    "Severity", list(SEVERITIES), key="flagged_severities", placeholder="All severities"
)

flagged = records.flagged(viewer, selection, categories, severities)
st.caption(f"{flagged.height:,} flagged messages. Names, phones and documents are pseudonymized; "
           "what you see here is recorded in the access log.")
if flagged.is_empty():
    st.info("No flagged messages for these filters.")
    st.stop()

counts = records.category_counts(flagged)
st.altair_chart(charts.count_bars(counts, "category", "messages", "Flagged messages"),
                width="stretch")
widgets.table(
    viewer, flagged, key="flagged_csv", file_name="flagged_messages.csv", source=data.SCORES,
    filters={**selection.describe(), "categories": categories, "severities": severities},
    column_config={
        "score": st.column_config.ProgressColumn("score", min_value=0, max_value=1, format="%.2f")
    },
)
