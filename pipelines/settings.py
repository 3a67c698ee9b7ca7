"""Settings read from the environment, in one place (names listed in .env.example)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    lakehouse_uri: str = "./lakehouse"
    landing_dir: Path = Path("./landing")
    timezone: str = "America/Sao_Paulo"
    default_region: str = "BR"
    partition_start: str = "2009-01-01"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            lakehouse_uri=env.get("LAKEHOUSE_URI", cls.lakehouse_uri),
            landing_dir=Path(env.get("VIGIA_LANDING_DIR", str(cls.landing_dir))),
            timezone=env.get("VIGIA_TIMEZONE", cls.timezone),
            default_region=env.get("VIGIA_DEFAULT_REGION", cls.default_region),
            partition_start=env.get("VIGIA_PARTITION_START", cls.partition_start),
        )


@dataclass(frozen=True)
class NotifySettings:
    """Where alert notifications go (read when the alert sensor runs, never at import)."""

    channels: tuple[str, ...] = ("outbox",)
    outbox_dir: Path = Path("./outbox")
    webhook_url: str | None = field(default=None, repr=False)  # may carry a token
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_from: str = "vigia@localhost"
    smtp_starttls: bool = True
    timeout_s: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> NotifySettings:
        channels = env.get("VIGIA_NOTIFY_CHANNELS") or ",".join(cls.channels)
        return cls(
            channels=tuple(c.strip() for c in channels.split(",") if c.strip()),
            outbox_dir=Path(env.get("VIGIA_OUTBOX_DIR") or cls.outbox_dir),
            webhook_url=env.get("VIGIA_NOTIFY_WEBHOOK_URL") or None,
            smtp_host=env.get("VIGIA_SMTP_HOST") or None,
            smtp_port=int(_number(env, "VIGIA_SMTP_PORT", cls.smtp_port)),
            smtp_user=env.get("VIGIA_SMTP_USER") or None,
            smtp_password=env.get("VIGIA_SMTP_PASSWORD") or None,
            smtp_from=env.get("VIGIA_SMTP_FROM") or cls.smtp_from,
            smtp_starttls=(env.get("VIGIA_SMTP_STARTTLS") or "true").lower()
            not in ("0", "false", "no"),
            timeout_s=_number(env, "VIGIA_NOTIFY_TIMEOUT_S", cls.timeout_s),
        )


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number (got a value that is not)") from None


def environment(env: Mapping[str, str] = os.environ) -> str:
    """The one place that decides where we run: local, ci or prod."""
    if env.get("VIGIA_ENV"):
        return env["VIGIA_ENV"]
    return "ci" if env.get("CI") else "local"
