"""Vault checks: one row per token, well-formed rows, every row under a key the keyring holds."""

import dagster as dg
import polars as pl

from pipelines.defs.checks import to_check
from pipelines.defs.governance.assets import vault_identities
from pipelines.defs.resources import LakehouseResource
from pipelines.privacy.keyring import load_keyring
from pipelines.privacy.vault import NONCE_BYTES, VAULT_SCHEMA, VAULT_TABLE
from pipelines.quality import table_rules as rules

TOKEN = r"P-[0-9a-f]{12}"


@dg.asset_check(asset=vault_identities)
def identities_are_sealed(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """Tokens unique and pseudonym-shaped; a 96-bit nonce and a ciphertext on every row; every
    key id is one the keyring holds (otherwise those rows cannot be re-identified)."""
    table = VAULT_TABLE
    frame = lakehouse.scan_or_empty(table, VAULT_SCHEMA)
    known = list(load_keyring().key_ids)
    return to_check(
        rules.unique(frame, table, ["token"]),
        rules.not_null(frame, table, "ciphertext", "token"),
        rules.matches(frame, table, "token", TOKEN, "token"),
        rules.violations(
            frame,
            table,
            f"nonce is {NONCE_BYTES} bytes",
            pl.col("nonce").bin.size() != NONCE_BYTES,
            "token",
        ),
        rules.violations(
            frame, table, "key_id in keyring", ~pl.col("key_id").is_in(known), "token"
        ),
    )
