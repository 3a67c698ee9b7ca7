"""Vigia dashboards: the router (page config, login, role-based navigation, filters, audit).

Run with ``streamlit run dashboards/streamlit_app.py``; pages live in ``app_pages/``. Nothing is
read before the login: :func:`dashboards.auth.login` stops the run until someone logs in. The
navigation lists only the pages the role may open; each page checks the role again, and so does
every data call.
"""

import streamlit as st

from dashboards import audit, auth, data, filters, roles

st.set_page_config(page_title="Vigia", page_icon=":material/shield:", layout="wide")

viewer = auth.login()
specs = roles.pages_for(viewer)
if not specs:
    st.warning(f"Your role ({viewer.role}) has no dashboard pages: ask the DPO.")
    st.stop()
navigation = st.navigation(
    [st.Page(spec.path, title=spec.title, icon=spec.icon, default=index == 0)
     for index, spec in enumerate(specs)]
)
viewer = viewer.on_page(navigation.title)
st.session_state[auth.VIEWER_KEY] = viewer
spec = roles.page_spec(navigation.title)
selection = None
if spec is not None and spec.uses_filters:
    everyone = "All teams" if viewer.all_teams else "All your teams"
    selection = filters.sidebar(data.current_filter_options(viewer), everyone)
audit.page_view(viewer, selection.describe() if selection else None)
navigation.run()
