"""The identity vault: who each pseudonym stands for, encrypted (vault.identities)."""

import dagster as dg
import polars as pl

from pipelines.defs.conformed.assets import silver_calls, silver_messages
from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.governance.identities import collect_identities
from pipelines.privacy.keyring import load_keyring
from pipelines.privacy.vault import Vault


@dg.asset(
    key_prefix="vault",
    name="identities",
    group_name="vault",
    deps=[silver_messages, silver_calls],
    kinds={"delta", "polars"},
)
def vault_identities(lakehouse: LakehouseResource, firm: FirmResource) -> dg.MaterializeResult:
    """Every person token the pipeline created (directory people, WhatsApp senders and chat
    counterparts, Cloud API parties, call parties) -> identity, AES-256-GCM encrypted under the
    vault key. Upserted by token; re-identification goes through `vigia reidentify` only."""

    def bronze(table: str) -> pl.LazyFrame | None:
        return lakehouse.scan(table) if lakehouse.exists(table) else None

    identities = collect_identities(
        firm.directory(),
        firm.privacy(),
        whatsapp=bronze("bronze.whatsapp_messages"),
        calls=bronze("bronze.call_records"),
        cloud=bronze("bronze.cloud_api_messages"),
    )
    vault = Vault(load_keyring(), lakehouse.uri)
    stats = vault.upsert(identities)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": vault.rows().height,
            "tokens_seen": len(identities),
            "inserted": stats.inserted,
            "updated": stats.updated,
            "unchanged": stats.unchanged,
            "active_key_id": vault.keyring.active.key_id,
        }
    )
