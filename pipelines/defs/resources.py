"""Resources: the lakehouse, the landing folder and reference data, and the privacy toolkit.

Their defaults come from the environment (``pipelines.settings``); the pseudonym key is read
at run time by ``load_key`` (VIGIA_KEY or the 0600 key file), never at import.
"""

from dataclasses import replace
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import PrivateAttr

from models.analyzer import build_analyzer
from models.rules.scorer import RuleScorer
from pipelines import lake
from pipelines.conform.directory import Directory
from pipelines.conform.messages import PrivacyContext
from pipelines.notify.channels import Channel, OutboxChannel, build_channels
from pipelines.privacy.keys import load_key
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.settings import NotifySettings, Settings


class LakehouseResource(dg.ConfigurableResource):
    """Delta tables under one root URI (local folder or s3://bucket/prefix)."""

    uri: str

    def scan(self, name: str) -> pl.LazyFrame:
        return lake.scan_table(name, self.uri)

    def read(self, name: str) -> pl.DataFrame:
        return lake.read_table(name, self.uri)

    def scan_or_empty(self, name: str, schema: dict) -> pl.LazyFrame:
        return self.scan(name) if self.exists(name) else pl.LazyFrame(schema=schema)

    def scan_dates(self, name: str, schema: dict, first: str, last: str) -> pl.LazyFrame:
        """Rows of ``name`` whose event_date lies in [first, last]."""
        return self.scan_or_empty(name, schema).filter(in_dates(first, last))

    def exists(self, name: str) -> bool:
        return lake.table_exists(name, self.uri)

    def replace_dates(self, df: pl.DataFrame, name: str, first: str, last: str) -> int:
        predicate = f"event_date >= '{first}' AND event_date <= '{last}'"
        return lake.replace_where(df, name, predicate, partition_by=["event_date"], base=self.uri)

    def overwrite(self, df: pl.DataFrame, name: str) -> int:
        return lake.overwrite(df, name, base=self.uri)


def in_dates(first: str, last: str) -> pl.Expr:
    return pl.col("event_date").is_between(pl.lit(first).str.to_date(), pl.lit(last).str.to_date())


class FirmResource(dg.ConfigurableResource):
    """Landing folder, the firm's directory, its time zone and the privacy toolkit."""

    landing_dir: str
    timezone: str = "America/Sao_Paulo"
    default_region: str = "BR"
    _cache: dict = PrivateAttr(default_factory=dict)

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    def directory(self) -> Directory:
        if "directory" not in self._cache:
            self._cache["directory"] = Directory.load(
                self.landing / "reference", self.default_region
            )
        return self._cache["directory"]

    def pseudonymizer(self) -> Pseudonymizer:
        return self.privacy().pseudonymizer

    def privacy(self) -> PrivacyContext:
        if "privacy" not in self._cache:
            directory = self.directory()
            key = load_key()
            self._cache["privacy"] = PrivacyContext(
                key=key,
                pseudonymizer=Pseudonymizer(key, directory.aliases()),
                analyzer=build_analyzer(directory.known_names()),
                default_region=self.default_region,
            )
        return self._cache["privacy"]

    def scorer(self) -> RuleScorer:
        if "scorer" not in self._cache:
            self._cache["scorer"] = RuleScorer.from_directory()
        return self._cache["scorer"]


class NotifierResource(dg.ConfigurableResource):
    """Notification channels. Unset fields come from the environment when the sensor runs
    (VIGIA_NOTIFY_CHANNELS, VIGIA_OUTBOX_DIR, VIGIA_NOTIFY_WEBHOOK_URL, VIGIA_SMTP_*)."""

    channels: str | None = None  # comma-separated: outbox, webhook, smtp
    outbox_dir: str | None = None
    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None

    def settings(self) -> NotifySettings:
        values = {
            "channels": tuple(c.strip() for c in (self.channels or "").split(",") if c.strip()),
            "outbox_dir": Path(self.outbox_dir) if self.outbox_dir else None,
            "webhook_url": self.webhook_url,
            "smtp_host": self.smtp_host,
            "smtp_port": self.smtp_port,
        }
        return replace(NotifySettings.from_env(), **{k: v for k, v in values.items() if v})

    def build(self) -> list[Channel]:
        return build_channels(self.settings())

    def fallback(self) -> Channel:
        """Where a notification goes when a channel failed: <outbox>/undelivered/."""
        return OutboxChannel(self.settings().outbox_dir / "undelivered")


def default_resources(settings: Settings | None = None) -> dict[str, dg.ConfigurableResource]:
    settings = settings or Settings.from_env()
    return {
        "lakehouse": LakehouseResource(uri=settings.lakehouse_uri),
        "firm": FirmResource(
            landing_dir=str(settings.landing_dir),
            timezone=settings.timezone,
            default_region=settings.default_region,
        ),
        "notifier": NotifierResource(),
    }
