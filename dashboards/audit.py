"""audit.access_log writes from the dashboards: one row per thing seen, not one per rerun.

- ``page_view``: when this session's page changes (reruns on the same page log nothing; leaving
  and coming back logs again), with the filters in force.
- ``view_messages``: when the message text shown by one view of the page changes (table,
  filters, pseudonyms shown); the same selection redrawn is not logged again during the visit.
- ``export``, ``review``, ``reidentify``, ``login``, ``logout``: every time.

Writes are synchronous, before the data is shown: if the log cannot be written the page fails
rather than show unlogged message text. Outside a Streamlit run (tests calling the data module
directly) nothing is de-duplicated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboards.roles import Viewer
from pipelines.governance.access_log import (
    GRANTED,
    PAGE_VIEW,
    VIEW_MESSAGES,
    AccessEvent,
    append_events,
    describe,
)
from pipelines.settings import Settings

STATE_KEY = "_vigia_audit"


def _state() -> dict | None:
    if get_script_run_ctx() is None:
        return None
    return st.session_state.setdefault(STATE_KEY, {"page": None, "shown": {}})


def write(
    viewer: Viewer,
    action: str,
    what: str | None = None,
    *,
    reason: str | None = None,
    token: str | None = None,
    outcome: str = GRANTED,
    detail: str | None = None,
) -> AccessEvent:
    event = AccessEvent(
        user=viewer.user, role=viewer.role, action=action, outcome=outcome, token=token,
        reason=reason, detail=detail, page=viewer.page or None, what=what, **viewer.origin(),
    )
    append_events([event], Settings.from_env().lakehouse_uri)
    return event


def page_view(viewer: Viewer, filters: Mapping[str, object] | None = None) -> bool:
    """Log the visit once per page visit; True when a row was written."""
    state = _state()
    if state is not None and state["page"] == viewer.page:
        return False
    write(viewer, PAGE_VIEW, describe(None, filters))
    if state is not None:
        state["page"], state["shown"] = viewer.page, {}
    return True


def messages_shown(
    viewer: Viewer,
    view: str,
    table: str,
    filters: Mapping[str, object],
    tokens: Iterable[str],
    **extra: object,
) -> bool:
    """Log that ``view`` (e.g. "flagged", "alerts") shows message text for these filters and
    pseudonyms, unless it showed exactly that already during this page visit."""
    what = describe(table, filters, tokens, view=view, **extra)
    state = _state()
    if state is not None and state["shown"].get(view) == what:
        return False
    write(viewer, VIEW_MESSAGES, what)
    if state is not None:
        state["shown"][view] = what
    return True


def frame_shown(
    viewer: Viewer, view: str, table: str, filters: Mapping[str, object], shown: pl.DataFrame
) -> bool:
    """:func:`messages_shown` for a frame: the pseudonyms of its ``*_token`` columns."""
    if shown.is_empty():
        return False
    token_columns = [c for c in shown.columns if c.endswith("_token")]
    tokens = shown.select(pl.concat_list(token_columns).explode()).to_series().drop_nulls()
    return messages_shown(viewer, view, table, filters, tokens.unique().to_list(),
                          rows=shown.height)
