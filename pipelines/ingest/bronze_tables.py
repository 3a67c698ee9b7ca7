"""Every bronze table, with its schema: created empty when no landing file has fed it yet.

A firm without Cloud API webhooks (or without call records) still gets those tables, so that
contracts, silver and analysts find an empty table instead of a missing one.
"""

from __future__ import annotations

import polars as pl

from pipelines import lake
from pipelines.ingest.bronze import (
    CALLS_SCHEMA,
    CALLS_TABLE,
    MANIFEST_SCHEMA,
    QUARANTINE_SCHEMA,
    WHATSAPP_SCHEMA,
    WHATSAPP_TABLE,
)
from pipelines.ingest.bronze_cloud import (
    CLOUD_MESSAGES_SCHEMA,
    CLOUD_MESSAGES_TABLE,
    CLOUD_STATUSES_SCHEMA,
    CLOUD_STATUSES_TABLE,
)

# table -> (schema, partition columns)
BRONZE_TABLES: dict[str, tuple[dict, list[str] | None]] = {
    WHATSAPP_TABLE: (WHATSAPP_SCHEMA, ["event_date"]),
    CALLS_TABLE: (CALLS_SCHEMA, ["event_date"]),
    CLOUD_MESSAGES_TABLE: (CLOUD_MESSAGES_SCHEMA, ["event_date"]),
    CLOUD_STATUSES_TABLE: (CLOUD_STATUSES_SCHEMA, ["event_date"]),
    "bronze.quarantine": (QUARANTINE_SCHEMA, None),
    "bronze.ingest_manifest": (MANIFEST_SCHEMA, None),
}


def create_missing_tables(base: str | None = None) -> list[str]:
    """Create, empty, each bronze table that does not exist yet; return their names."""
    created = []
    for name, (schema, partition_by) in BRONZE_TABLES.items():
        if not lake.table_exists(name, base):
            lake.append(pl.DataFrame(schema=schema), name, partition_by=partition_by, base=base)
            created.append(name)
    return created
