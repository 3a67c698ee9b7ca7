"""The notification payload: an allow-list of alert fields, all pseudonymous or public."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

PAYLOAD_VERSION = 1
# Only these alert columns leave Vigia: ids, tokens, categories, scores, the reason (rule ids,
# cue words, dates) and the snippet (redacted text: people appear as [PESSOA P-…]).
ALERT_FIELDS = (
    "alert_id",
    "category",
    "severity",
    "score",
    "status",
    "team",
    "chat_id",
    "employee_token",
    "counterpart_token",
    "first_seen",
    "last_seen",
    "message_ids",
    "rule_ids",
    "signal_ids",
    "reason",
    "snippet",
)


@dataclass(frozen=True)
class Recipient:
    """Whom a notification is for. ``address`` is for the SMTP envelope only, never a payload."""

    team: str | None
    manager_token: str | None
    route: str  # "directory" | "config" | "unassigned"
    address: str | None = field(default=None, repr=False)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def build_payload(alert: Mapping[str, Any], recipient: Recipient) -> dict[str, Any]:
    """JSON-ready notification for one alert (a row of gold.alerts)."""
    return {
        "type": "vigia.alert",
        "version": PAYLOAD_VERSION,
        "alert": {name: _plain(alert.get(name)) for name in ALERT_FIELDS},
        "to": {
            "team": recipient.team,
            "manager_token": recipient.manager_token,
            "route": recipient.route,
        },
    }


def subject(payload: Mapping[str, Any]) -> str:
    alert = payload["alert"]
    return (
        f"[Vigia] {alert['severity']} {alert['category']} alert {alert['alert_id']} "
        f"({alert['team'] or 'no team'})"
    )
