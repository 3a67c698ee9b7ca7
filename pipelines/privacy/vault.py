"""vault.identities: pseudonym -> identity, encrypted with AES-256-GCM under the vault keyring.

One row per token: the token in clear (it is pseudonymous), the id of the key that encrypted the
row, a random 96-bit nonce and the ciphertext of the identity (JSON, padded to a multiple of 64
bytes so its length says little). The token is the associated data, so a ciphertext moved to
another row fails to decrypt. Rows are upserted by token, never duplicated; rotation
re-encrypts every row under a new key and then destroys the old keys.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime

import polars as pl
from cryptography.exceptions import InvalidTag

from pipelines import lake
from pipelines.privacy.keyring import Keyring, VaultKey, add_key, retire_others

VAULT_TABLE = "vault.identities"
VAULT_SCHEMA = {
    "token": pl.Utf8,
    "key_id": pl.Utf8,
    "nonce": pl.Binary,
    "ciphertext": pl.Binary,
    "first_seen": pl.Datetime("us", "UTC"),
    "updated_at": pl.Datetime("us", "UTC"),
    "encrypted_at": pl.Datetime("us", "UTC"),
}
NONCE_BYTES = 12
_PAD_TO = 64
_KINDS = {
    "tel": "phone",
    "email": "email",
    "cpf": "cpf",
    "name": "name",
    "dialled": "dialled_number",
    "employee": "directory_id",
    "client": "directory_id",
}


class VaultError(Exception):
    """The vault cannot answer; the message says why and what to do (never an identity)."""


class UnknownTokenError(VaultError):
    pass


class VaultIntegrityError(VaultError):
    """A row does not decrypt: wrong key, or ciphertext altered or moved to another row."""


def identifier_kind(identifier: str) -> str:
    """'tel:+55…' -> 'phone'; see _KINDS."""
    return _KINDS.get(identifier.partition(":")[0], "other")


@dataclass(frozen=True)
class Identity:
    """Who a token stands for. repr/str never show it (safe in logs and tracebacks)."""

    identifier: str  # canonical: "tel:+55…", "email:…", "cpf:…", "name:<scope>:…", …
    kind: str  # see identifier_kind
    display_name: str | None = None
    role: str | None = None  # employee | client | external
    directory_id: str | None = None
    aliases: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Identity(kind={self.kind!r}, <hidden>)"

    __str__ = __repr__

    @classmethod
    def of(cls, identifier: str, **extra) -> Identity:
        return cls(identifier=identifier, kind=identifier_kind(identifier), **extra)

    def merge(self, other: Identity) -> Identity:
        """This identity completed by what `other` knows (missing fields, further identifiers)."""
        seen = {self.identifier, *self.aliases}
        extra = [i for i in (other.identifier, *other.aliases) if i not in seen]
        return replace(
            self,
            display_name=self.display_name or other.display_name,
            role=self.role if self.role not in (None, "external") else other.role or self.role,
            directory_id=self.directory_id or other.directory_id,
            aliases=tuple(sorted({*self.aliases, *extra})),
        )

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["aliases"] = list(self.aliases)
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> Identity:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["aliases"] = tuple(values.get("aliases") or ())
        return cls(**values)


def seal(key: VaultKey, token: str, identity: Identity) -> tuple[bytes, bytes]:
    """(nonce, ciphertext) of `identity`, bound to `token` as associated data."""
    plain = json.dumps(identity.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    plain += b" " * (-len(plain) % _PAD_TO)
    nonce = os.urandom(NONCE_BYTES)
    return nonce, key.aead.encrypt(nonce, plain, token.encode("utf-8"))


def unseal(key: VaultKey, token: str, nonce: bytes, ciphertext: bytes) -> Identity:
    try:
        plain = key.aead.decrypt(nonce, ciphertext, token.encode("utf-8"))
    except InvalidTag:
        raise VaultIntegrityError(
            f"vault row {token} does not decrypt under key {key.key_id}: the ciphertext was "
            "altered or moved, or the keyring is not the one it was written with"
        ) from None
    return Identity.from_dict(json.loads(plain))


@dataclass(frozen=True)
class UpsertStats:
    inserted: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class Rotation:
    retired_key_ids: tuple[str, ...]
    active_key_id: str
    rows_reencrypted: int


class Vault:
    """The identities table under one lakehouse root, with the keys to read and write it."""

    def __init__(self, keyring: Keyring, base: str | None = None):
        self.keyring = keyring
        self.base = base

    def exists(self) -> bool:
        return lake.table_exists(VAULT_TABLE, self.base)

    def rows(self, tokens: Iterable[str] | None = None) -> pl.DataFrame:
        """Encrypted rows (all, or those of `tokens`)."""
        if not self.exists():
            return pl.DataFrame(schema=VAULT_SCHEMA)
        frame = lake.scan_table(VAULT_TABLE, self.base)
        if tokens is not None:
            frame = frame.filter(pl.col("token").is_in(list(tokens)))
        return frame.collect()

    def tokens(self) -> set[str]:
        """Every token the vault holds (no decryption)."""
        if not self.exists():
            return set()
        frame = lake.scan_table(VAULT_TABLE, self.base).select("token").collect()
        return set(frame.get_column("token").to_list())

    def decrypt(self, rows: pl.DataFrame) -> dict[str, Identity]:
        return {
            token: unseal(self.keyring.get(key_id), token, nonce, ciphertext)
            for token, key_id, nonce, ciphertext in rows.select(
                "token", "key_id", "nonce", "ciphertext"
            ).iter_rows()
        }

    def lookup(self, token: str) -> Identity:
        if not self.exists():
            raise VaultError(
                f"{VAULT_TABLE} does not exist yet under LAKEHOUSE_URI: materialize the "
                "vault/identities asset (e.g. `vigia demo --no-serve`) first"
            )
        found = self.decrypt(self.rows([token]))
        if token not in found:
            raise UnknownTokenError(f"token {token} is not in {VAULT_TABLE}")
        return found[token]

    def upsert(
        self, identities: Mapping[str, Identity], now: datetime | None = None
    ) -> UpsertStats:
        """Add new tokens, complete known ones (see Identity.merge); rows already up to date are
        not rewritten."""
        now = now or datetime.now(UTC)
        known = self.decrypt(self.rows(identities)) if identities else {}
        changed: dict[str, Identity] = {}
        for token, identity in identities.items():
            merged = known[token].merge(identity) if token in known else identity
            if known.get(token) != merged:
                changed[token] = merged
        self._write(self._sealed(changed, now))
        inserted = sum(1 for t in changed if t not in known)
        return UpsertStats(inserted, len(changed) - inserted, len(identities) - len(changed))

    def rotate(self, vacuum: bool = True, attempts: int = 3) -> Rotation:
        """Re-encrypt every row under a new key, then destroy the old keys.

        The new key is written to the keyring first and the old ones stay until no row uses
        them, so a crash at any point leaves every row readable (run the rotation again).
        """
        ring = add_key(self.keyring)
        self.keyring = ring
        active = ring.active.key_id
        total = 0
        for _ in range(attempts):
            stale = self.rows().filter(pl.col("key_id") != active)
            if stale.is_empty():
                break
            now = datetime.now(UTC)
            sealed = self._sealed(self.decrypt(stale), now).drop("updated_at")
            self._write(sealed, insert=False)
            total += stale.height
        else:
            raise VaultError(
                "rows kept appearing under an old key while rotating (is the pipeline running?): "
                "every row is still readable; stop the pipeline and run the rotation again"
            )
        retired = tuple(k for k in ring.key_ids if k != active)
        self.keyring = retire_others(ring)
        if vacuum and self.exists():
            lake.delta_table(VAULT_TABLE, self.base).vacuum(
                retention_hours=0, enforce_retention_duration=False, dry_run=False
            )
        return Rotation(retired, active, total)

    def _sealed(self, identities: Mapping[str, Identity], now: datetime) -> pl.DataFrame:
        key = self.keyring.active
        tokens = list(identities)
        sealed = [seal(key, t, identities[t]) for t in tokens]
        return pl.DataFrame(
            {
                "token": tokens,
                "key_id": [key.key_id] * len(tokens),
                "nonce": [n for n, _ in sealed],
                "ciphertext": [c for _, c in sealed],
                "first_seen": [now] * len(tokens),
                "updated_at": [now] * len(tokens),
                "encrypted_at": [now] * len(tokens),
            },
            schema=VAULT_SCHEMA,
        )

    def _write(self, rows: pl.DataFrame, insert: bool = True) -> None:
        """Merge on token: update the columns given for known tokens (never first_seen) and,
        with `insert`, add new tokens."""
        if rows.is_empty():
            return
        if not self.exists():
            if insert:
                lake.append(rows.select(list(VAULT_SCHEMA)), VAULT_TABLE, base=self.base)
            return
        updates = {c: f"s.{c}" for c in rows.columns if c not in ("token", "first_seen")}
        merger = (
            lake.delta_table(VAULT_TABLE, self.base)
            .merge(
                source=rows.to_arrow(),
                predicate="t.token = s.token",
                source_alias="s",
                target_alias="t",
            )
            .when_matched_update(updates=updates)
        )
        if insert:
            merger = merger.when_not_matched_insert_all()
        merger.execute()
