"""Who is told of an alert: the employee's manager from the directory (``manager_id``), else
the team's address from config/detection.yaml (``notify.managers``), else nobody by name (the
notification still goes to the outbox and the webhook, marked ``unassigned``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pipelines.conform.directory import Directory, Person
from pipelines.notify.payload import Recipient

EMAIL_PREFIX = "email:"


def email_of(person: Person) -> str | None:
    for identifier in (person.canonical, *person.aliases):
        if identifier.startswith(EMAIL_PREFIX):
            return identifier.removeprefix(EMAIL_PREFIX)
    return None


class Managers:
    """Finds the recipient of an alert from its employee token and team."""

    def __init__(
        self,
        directory: Directory,
        token: Callable[[str], str],
        team_addresses: Mapping[str, str] | None = None,
    ):
        self._token = token
        self._team_addresses = dict(team_addresses or {})
        self._directory = directory
        self._by_token = {token(p.canonical): p for p in directory.people if p.kind == "employee"}

    def recipient(self, employee_token: str | None, team: str | None) -> Recipient:
        employee = self._by_token.get(employee_token or "")
        manager = self._directory.employee(employee.manager_id) if employee else None
        if manager is not None and email_of(manager):
            return Recipient(
                team=team or employee.team,
                manager_token=self._token(manager.canonical),
                route="directory",
                address=email_of(manager),
            )
        if team in self._team_addresses:
            return Recipient(team, None, "config", self._team_addresses[team])
        return Recipient(team, None, "unassigned")
