"""Delivery channels: an outbox folder (default), a webhook (HTTP POST JSON) and SMTP e-mail.

Each channel takes the payload (pseudonyms only) and the recipient; errors name the channel and
the alert id, never the payload, the address or the webhook URL (which may carry a token).
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from pipelines.notify.payload import Recipient, subject
from pipelines.settings import NotifySettings

CHANNELS = ("outbox", "webhook", "smtp")


class NotifyError(Exception):
    """A notification could not be delivered or configured; says which channel and what to do."""


class Channel(Protocol):
    name: str

    def send(self, payload: Mapping[str, Any], recipient: Recipient) -> None: ...


def _json(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True)


class OutboxChannel:
    """One JSON file per notification, ``<outbox>/<alert_id>.json``, written atomically."""

    name = "outbox"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, payload: Mapping[str, Any], recipient: Recipient) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{payload['alert']['alert_id']}.json"
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(_json(payload) + "\n")
        os.replace(temporary, target)


class WebhookChannel:
    """HTTP POST of the JSON payload; any 2xx answer is a delivery."""

    name = "webhook"

    def __init__(self, url: str, timeout_s: float = 10.0):
        if urlsplit(url).scheme not in ("http", "https"):
            raise NotifyError("VIGIA_NOTIFY_WEBHOOK_URL must be an http:// or https:// URL")
        self.url, self.timeout_s = url, timeout_s
        self.host = urlsplit(url).hostname or "?"

    def send(self, payload: Mapping[str, Any], recipient: Recipient) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "vigia"},
            method="POST",
        )
        alert = payload["alert"]["alert_id"]
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise NotifyError(
                f"webhook to {self.host}: alert {alert} not delivered ({type(reason).__name__}); "
                "check VIGIA_NOTIFY_WEBHOOK_URL and that the server is up"
            ) from None
        if not 200 <= status < 300:
            raise NotifyError(f"webhook to {self.host}: alert {alert} refused with HTTP {status}")


class SmtpChannel:
    """An e-mail to the recipient's address: subject with ids, body with the payload."""

    name = "smtp"

    def __init__(self, settings: NotifySettings):
        if not settings.smtp_host:
            raise NotifyError("the smtp channel needs VIGIA_SMTP_HOST (and VIGIA_SMTP_FROM)")
        self.settings = settings

    def send(self, payload: Mapping[str, Any], recipient: Recipient) -> None:
        alert = payload["alert"]["alert_id"]
        if not recipient.address:
            raise NotifyError(
                f"smtp: alert {alert} has no recipient address (team {recipient.team}): give "
                "the employee a manager_id in employees.csv or the team an address under "
                "notify.managers in config/detection.yaml"
            )
        s = self.settings
        message = EmailMessage()
        message["From"] = s.smtp_from
        message["To"] = recipient.address
        message["Subject"] = subject(payload)
        body = payload["alert"]
        message.set_content(
            f"{body['reason']}\n\nSnippet (redacted): {body['snippet'] or '-'}\n\n"
            f"Open the alert {alert} in Vigia to review it.\n\n{_json(payload)}\n"
        )
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout_s) as server:
                if s.smtp_starttls:
                    server.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    server.login(s.smtp_user, s.smtp_password or "")
                server.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise NotifyError(
                f"smtp to {s.smtp_host}:{s.smtp_port}: alert {alert} not sent "
                f"({type(exc).__name__}); check the VIGIA_SMTP_* settings"
            ) from None


def build_channels(settings: NotifySettings) -> list[Channel]:
    """The channels named in ``settings.channels`` (VIGIA_NOTIFY_CHANNELS)."""
    unknown = [c for c in settings.channels if c not in CHANNELS]
    if unknown or not settings.channels:
        raise NotifyError(
            f"VIGIA_NOTIFY_CHANNELS: {', '.join(unknown) or 'empty'} is not a channel; use a "
            f"comma-separated list of {', '.join(CHANNELS)}"
        )
    channels: list[Channel] = []
    for name in dict.fromkeys(settings.channels):
        if name == "outbox":
            channels.append(OutboxChannel(settings.outbox_dir))
        elif name == "webhook":
            if not settings.webhook_url:
                raise NotifyError("the webhook channel needs VIGIA_NOTIFY_WEBHOOK_URL")
            channels.append(WebhookChannel(settings.webhook_url, settings.timeout_s))
        else:
            channels.append(SmtpChannel(settings))
    return channels


def deliver(
    channels: Sequence[Channel], payload: Mapping[str, Any], recipient: Recipient
) -> list[str]:
    """Send on every channel; returns the errors (one per failed channel), empty when all went."""
    errors = []
    for channel in channels:
        try:
            channel.send(payload, recipient)
        except NotifyError as exc:
            errors.append(str(exc))
    return errors
