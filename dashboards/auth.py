"""Login for every page: streamlit-authenticator over the users and bcrypt hashes of the access
file (VIGIA_ACCESS_FILE, default config/access.yaml).

The router calls :func:`login` before anything else: it draws the login form and stops the run
until someone logs in. The role and teams come from the access file on every run, never from
the browser; the re-login cookie only carries the login name, signed (JWT, HS256) with the
cookie key:

- ``VIGIA_DASHBOARD_COOKIE_KEY`` (at least 32 characters), else
- the 0600 file named by ``VIGIA_DASHBOARD_COOKIE_KEY_FILE``, else
- outside prod only (``VIGIA_ENV`` != prod), a random key per server process: logins then do
  not survive a server restart. In prod a missing key stops the app and says what to set.

AppTest logs in the way the library records a login: ``authentication_status`` and ``username``
in session state (server-side, out of the browser's reach). There is no test hook in this code.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from dashboards import audit, data
from dashboards.roles import Viewer, viewer_for
from pipelines.governance.access_log import LOGIN, LOGOUT
from pipelines.governance.access_policy import AccessConfigError
from pipelines.privacy.keys import KeyConfigError, read_private_file
from pipelines.settings import environment

COOKIE_NAME = "vigia_dashboards"
COOKIE_DAYS = 0.5
MIN_COOKIE_KEY_CHARS = 32
VIEWER_KEY = "vigia_viewer"
LOGGED_IN_KEY = "vigia_logged_in"


class AuthConfigError(Exception):
    """No usable cookie key; the message names the variable or file to set."""


def cookie_key(env: Mapping[str, str] = os.environ) -> str | None:
    """The cookie signing key from the environment or its key file; None when neither is set
    outside prod (the caller then uses a per-process random key)."""
    if value := (env.get("VIGIA_DASHBOARD_COOKIE_KEY") or "").strip():
        if len(value) < MIN_COOKIE_KEY_CHARS:
            raise AuthConfigError(
                f"VIGIA_DASHBOARD_COOKIE_KEY is too short: use at least {MIN_COOKIE_KEY_CHARS} "
                "random characters, e.g. the output of `openssl rand -hex 32`"
            )
        return value
    if path := env.get("VIGIA_DASHBOARD_COOKIE_KEY_FILE"):
        try:
            value = read_private_file(Path(path)).strip()
        except KeyConfigError as exc:
            raise AuthConfigError(str(exc)) from None
        if len(value) < MIN_COOKIE_KEY_CHARS:
            raise AuthConfigError(
                f"key file {path} holds fewer than {MIN_COOKIE_KEY_CHARS} characters"
            )
        return value
    if environment(env) == "prod":
        raise AuthConfigError(
            "VIGIA_ENV=prod needs a dashboard cookie key: set VIGIA_DASHBOARD_COOKIE_KEY or "
            "VIGIA_DASHBOARD_COOKIE_KEY_FILE (a 0600 file)"
        )
    return None


@st.cache_resource(show_spinner=False)
def _process_key() -> str:
    """Development only: a random key for this server process."""
    return secrets.token_hex(32)


def origin() -> tuple[str, str]:
    """(client address, user agent) of this session's request, as far as Streamlit knows."""
    headers = st.context.headers
    host = str(st.context.ip_address or "unknown")
    if forwarded := headers.get("X-Forwarded-For"):
        host = f"{host} (forwarded for {str(forwarded)[:100]})"
    return host, str(headers.get("User-Agent") or "unknown")[:300]


def _stop_with(message: str) -> None:
    st.error(message)
    st.stop()


def login() -> Viewer:
    """The logged-in viewer; draws the login form and stops the run while nobody is."""
    try:
        policy = data.access_policy()
        key = cookie_key() or _process_key()
    except (AccessConfigError, AuthConfigError) as exc:
        _stop_with(f"The dashboards cannot start: {exc}")
    authenticator = stauth.Authenticate(
        policy.dashboard_credentials(), COOKIE_NAME, key, COOKIE_DAYS, auto_hash=False,
        login_sleep_time=0,
    )
    try:
        authenticator.login(location="main", key="login", fields={"Form name": "Vigia — log in"})
    except LoginError as exc:
        _stop_with(f"{exc}. Ask the DPO to check your entry in the access file.")
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("Wrong username or password.")
    if not status:
        st.caption("Log in with the account your DPO created in the access file.")
        st.stop()
    viewer = viewer_for(policy, st.session_state.get("username"), *origin())
    if viewer is None:
        authenticator.logout(location="unrendered")
        _stop_with("This login has no dashboard account (no password in the access file).")
    if st.session_state.get(LOGGED_IN_KEY) != viewer.user:
        audit.write(viewer, LOGIN)
        st.session_state[LOGGED_IN_KEY] = viewer.user
    with st.sidebar:
        account = policy.accounts[viewer.user]
        teams = "all teams" if viewer.all_teams else ", ".join(viewer.teams)
        st.caption(" · ".join(part for part in (f"**{account.name}**", viewer.role, teams)
                              if part))
        authenticator.logout("Log out", location="sidebar", key="vigia_logout",
                             callback=lambda _: _logged_out(viewer))
    if not st.session_state.get("authentication_status"):
        st.rerun()
    return viewer


def _logged_out(viewer: Viewer) -> None:
    audit.write(viewer, LOGOUT)
    for name in (LOGGED_IN_KEY, VIEWER_KEY, audit.STATE_KEY):
        st.session_state.pop(name, None)


def viewer() -> Viewer:
    """The viewer the router stored for this run (pages call this first)."""
    found = st.session_state.get(VIEWER_KEY)
    if not isinstance(found, Viewer):
        _stop_with("Not logged in: open the dashboards' home page to log in.")
    return found


def guard(permission: str) -> Viewer:
    """The viewer, if its role may open a page that needs ``permission``; stops otherwise."""
    current = viewer()
    if not current.may(permission):
        _stop_with(f"Your role ({current.role}) may not open this page.")
    return current
