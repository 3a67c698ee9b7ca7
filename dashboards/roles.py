"""Who is looking: the viewer of a dashboard run, its permissions, teams and pages (no Streamlit).

The role's permissions come from the access file (config/access.yaml); :mod:`dashboards.data`
checks them on every call, and :func:`pages_for` decides what the navigation lists.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipelines.governance.access_policy import AccessPolicy


class NotAllowed(Exception):
    """The viewer's role may not read this; the message names the permission (no data)."""


@dataclass(frozen=True)
class Viewer:
    """The logged-in person for this run: login, role and what the role may do.

    ``teams`` bounds a viewer without ``all_teams``; ``page``, ``host`` and ``client`` say
    where the request came from, for the access log.
    """

    user: str
    role: str
    permissions: frozenset[str]
    teams: tuple[str, ...] = ()
    page: str = ""
    host: str = "unknown"
    client: str = "unknown"

    def may(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if not self.may(permission):
            raise NotAllowed(
                f"role {self.role!r} lacks the {permission!r} permission (see the access file)"
            )

    @property
    def all_teams(self) -> bool:
        return self.may("all_teams")

    def team_scope(self, selected: tuple[str, ...] = ()) -> tuple[str, ...] | None:
        """The teams a read may return: None = every team; a tuple = only those (an empty tuple
        = nothing). A team-bound viewer gets its own teams, narrowed by ``selected``."""
        if self.all_teams:
            return tuple(sorted(selected)) or None
        own = set(self.teams)
        chosen = [team for team in selected if team in own] if selected else own
        return tuple(sorted(chosen))

    def visible_teams(self, teams: list[str]) -> list[str]:
        """The teams (of those found in the data) this viewer may pick in the sidebar."""
        return list(teams) if self.all_teams else [t for t in teams if t in set(self.teams)]

    def on_page(self, page: str) -> Viewer:
        return replace(self, page=page)

    def origin(self) -> dict[str, str]:
        return {"host": self.host, "client": self.client}


def viewer_for(
    policy: AccessPolicy, user: str | None, host: str = "unknown", client: str = "unknown"
) -> Viewer | None:
    """The viewer for a dashboard login, or None when the login has no dashboard account."""
    login = (user or "").strip()
    role = policy.role_of(login)
    account = policy.accounts.get(login)
    if role is None or account is None or not account.password_hash:
        return None
    return Viewer(
        user=login,
        role=role,
        permissions=policy.permissions.get(role, frozenset()),
        teams=account.teams,
        host=host or "unknown",
        client=client or "unknown",
    )


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to dashboards/
    title: str
    icon: str
    permission: str
    uses_filters: bool = True  # the sidebar's team and date filters apply


PAGES = (
    PageSpec("app_pages/overview.py", "Overview", ":material/dashboard:", "view_aggregates"),
    PageSpec("app_pages/contact_frequency.py", "Contact frequency", ":material/groups:",
             "view_aggregates"),
    PageSpec("app_pages/contact_timing.py", "Contact timing", ":material/schedule:",
             "view_aggregates"),
    PageSpec("app_pages/misconduct_trends.py", "Misconduct trends", ":material/trending_up:",
             "view_aggregates"),
    PageSpec("app_pages/calls.py", "Calls", ":material/call:", "view_aggregates"),
    PageSpec("app_pages/flagged_messages.py", "Flagged messages", ":material/flag:",
             "view_messages"),
    PageSpec("app_pages/alerts.py", "Alerts & review queue", ":material/notifications:",
             "view_alerts"),
    PageSpec("app_pages/evidence.py", "Evidence", ":material/gavel:", "view_evidence"),
    PageSpec("app_pages/access_audit.py", "Access audit", ":material/policy:",
             "view_access_log", uses_filters=False),
    PageSpec("app_pages/reidentify.py", "Re-identification", ":material/person_search:",
             "reidentify", uses_filters=False),
    PageSpec("app_pages/data_quality.py", "Data quality", ":material/fact_check:",
             "view_data_quality", uses_filters=False),
)


def pages_for(viewer: Viewer) -> list[PageSpec]:
    """The pages this viewer's role may open, in menu order."""
    return [page for page in PAGES if viewer.may(page.permission)]


def page_spec(title: str) -> PageSpec | None:
    return next((page for page in PAGES if page.title == title), None)
