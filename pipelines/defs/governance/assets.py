"""The identity vault: who each pseudonym stands for, encrypted (vault.identities)."""

import dagster as dg
import polars as pl

from pipelines.defs.conformed.assets import silver_calls, silver_messages
from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.governance.identities import collect_identities
from pipelines.governance.text_identities import collect_text_identities
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
    counterparts, Cloud API parties, call parties, and the names, phones, CPFs... found in
    message text) -> identity, AES-256-GCM encrypted under the vault key. Upserted by token;
    re-identification goes through `vigia reidentify` only."""

    def scan(table: str) -> pl.LazyFrame | None:
        return lakehouse.scan(table) if lakehouse.exists(table) else None

    whatsapp, cloud = scan("bronze.whatsapp_messages"), scan("bronze.cloud_api_messages")
    identities = collect_identities(
        firm.directory(),
        firm.privacy(),
        whatsapp=whatsapp,
        calls=scan("bronze.call_records"),
        cloud=cloud,
    )
    vault = Vault(load_keyring(), lakehouse.uri)
    in_text = collect_text_identities(
        scan("silver.messages"),
        [frame for frame in (whatsapp, cloud) if frame is not None],
        firm.privacy(),
        known=set(identities) | vault.tokens(),
    )
    identities.update(in_text.identities)
    stats = vault.upsert(identities)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": vault.rows().height,
            "tokens_seen": len(identities),
            "inserted": stats.inserted,
            "updated": stats.updated,
            "unchanged": stats.unchanged,
            "tokens_from_text": len(in_text.identities),
            "texts_analysed": in_text.texts_analysed,
            "text_tokens_unresolved": in_text.unresolved,
            "active_key_id": vault.keyring.active.key_id,
        }
    )
