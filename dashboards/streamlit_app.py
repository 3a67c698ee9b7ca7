"""Vigia dashboards: the router (page config, shared sidebar filters, navigation).

Run with ``streamlit run dashboards/streamlit_app.py``; pages live in ``app_pages/``.
"""

import streamlit as st

from dashboards import data, filters

st.set_page_config(page_title="Vigia", page_icon=":material/shield:", layout="wide")

navigation = st.navigation(
    [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:",
                default=True),
        st.Page("app_pages/contact_frequency.py", title="Contact frequency",
                icon=":material/groups:"),
        st.Page("app_pages/contact_timing.py", title="Contact timing",
                icon=":material/schedule:"),
        st.Page("app_pages/flagged_messages.py", title="Flagged messages",
                icon=":material/flag:"),
    ]
)
filters.sidebar(data.current_filter_options())
navigation.run()
