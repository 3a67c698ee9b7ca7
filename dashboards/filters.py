"""Sidebar filters shared by every page (teams, event dates), kept in ``st.session_state``.

The router renders them once per run with fixed widget keys, so a selection survives page
switches; pages read the result with :func:`current`.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboards.data import FilterOptions, Filters

TEAMS_KEY = "filter_teams"
DATES_KEY = "filter_dates"
SELECTION_KEY = "filters"
DEFAULT_DAYS = 28


def default_range(options: FilterOptions, days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """The last ``days`` days that have data (clipped to the first date)."""
    last = options.last_date or date.today()
    first = options.first_date or last
    return max(first, last - timedelta(days=days - 1)), last


def _clip(value: date, options: FilterOptions) -> date:
    low, high = options.first_date, options.last_date
    if low and value < low:
        return low
    if high and value > high:
        return high
    return value


def _date_range(value: object, options: FilterOptions) -> tuple[date, date]:
    """The widget returns a 2-tuple, or a 1-tuple while the second date is being picked."""
    picked = [d for d in (value if isinstance(value, (tuple, list)) else [value]) if d]
    if not picked:
        return default_range(options)
    start, end = _clip(picked[0], options), _clip(picked[-1], options)
    return (start, end) if start <= end else (end, start)


def _drop_stale_state(options: FilterOptions) -> None:
    """Set defaults, and repair a selection that the data no longer has (e.g. after a rebuild)."""
    chosen = st.session_state.get(TEAMS_KEY, [])
    if any(team not in options.teams for team in chosen):
        st.session_state[TEAMS_KEY] = [team for team in chosen if team in options.teams]
    dates = st.session_state.get(DATES_KEY)
    if not dates:
        st.session_state[DATES_KEY] = default_range(options)
    elif not isinstance(dates, (tuple, list)) or any(_clip(d, options) != d for d in dates):
        st.session_state[DATES_KEY] = _date_range(dates, options)


def sidebar(options: FilterOptions, all_teams: str = "All teams") -> Filters | None:
    """Render the team and date filters and store the selection; None when there is no data.
    ``all_teams`` is what an empty team selection means, for this viewer."""
    if options.last_date is None:
        st.session_state.pop(SELECTION_KEY, None)
        return None
    st.sidebar.header("Filters")
    _drop_stale_state(options)
    teams = st.sidebar.multiselect(
        "Teams", options.teams, key=TEAMS_KEY, placeholder=all_teams,
        help=f"Leave empty for {all_teams.lower()}.",
    )
    dates = st.sidebar.date_input(
        "Event dates", min_value=options.first_date, max_value=options.last_date,
        key=DATES_KEY, format="YYYY-MM-DD",
    )
    start, end = _date_range(dates, options)
    selection = Filters(tuple(sorted(teams)), start, end)
    st.session_state[SELECTION_KEY] = selection
    return selection


def current() -> Filters | None:
    """The selection made in the sidebar during this run (None when the lakehouse is empty)."""
    return st.session_state.get(SELECTION_KEY)
