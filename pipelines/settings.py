"""Settings read from the environment, in one place (names listed in .env.example)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
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


def environment(env: Mapping[str, str] = os.environ) -> str:
    """The one place that decides where we run: local, ci or prod."""
    if env.get("VIGIA_ENV"):
        return env["VIGIA_ENV"]
    return "ci" if env.get("CI") else "local"
