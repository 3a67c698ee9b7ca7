"""The vault's keys: separate from the pseudonym key, several at once while a rotation runs.

Order: `VIGIA_VAULT_KEY` (one key, decoded like VIGIA_KEY; rotation then needs the file), else
the keyring file at `VIGIA_VAULT_KEY_FILE` (default `.vigia/vault.key`), created on first use with
one random key, mode 0600. The file holds one hex key per line, the last one active; `#` lines
are comments, and `# retired <key id> <time>` records a key destroyed by a rotation.

A key's id ("K-" + 12 hex) is an HMAC of a fixed label under the key: it names the key in the
vault table without revealing it. The AES-256-GCM key is derived from the material with HKDF,
so any key of >= 32 bytes (hex or passphrase) works and is never used for anything else.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pipelines.privacy.keys import (
    MIN_KEY_BYTES,
    KeyConfigError,
    create_key_file,
    decode_env_key,
    key_file_path,
    read_private_file,
    write_private_file,
)

DEFAULT_KEYRING_FILE = ".vigia/vault.key"
_HEADER = (
    "# Vigia vault keyring: secret (mode 0600); back it up with the lakehouse.\n"
    "# One hex key per line, the last one active. Retired keys are listed by id only.\n"
)
_RETIRED = "# retired "


@dataclass(frozen=True)
class VaultKey:
    """One key; str/repr show only its id."""

    material: bytes = field(repr=False)

    @cached_property
    def key_id(self) -> str:
        mac = hmac.new(self.material, b"vigia vault key id", hashlib.sha256)
        return "K-" + mac.hexdigest()[:12]

    @cached_property
    def aead(self) -> AESGCM:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"vigia vault aes-256-gcm"
        ).derive(self.material)
        return AESGCM(derived)

    def __str__(self) -> str:
        return f"VaultKey({self.key_id})"

    __repr__ = __str__


@dataclass(frozen=True)
class Keyring:
    keys: tuple[VaultKey, ...]
    retired: tuple[tuple[str, str], ...] = ()  # (key id, retired at, ISO UTC)
    path: Path | None = None  # None: the key came from VIGIA_VAULT_KEY

    @property
    def active(self) -> VaultKey:
        return self.keys[-1]

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(k.key_id for k in self.keys)

    def get(self, key_id: str) -> VaultKey:
        for key in self.keys:
            if key.key_id == key_id:
                return key
        where = f"keyring {self.path}" if self.path else "VIGIA_VAULT_KEY"
        if any(rid == key_id for rid, _ in self.retired):
            raise KeyConfigError(
                f"vault rows are encrypted under {key_id}, which {where} lists as retired: "
                "restore the vault table or the keyring from the same backup"
            )
        raise KeyConfigError(
            f"vault rows are encrypted under {key_id}, which {where} does not hold: "
            "use the keyring the vault was written with (restore it from backup)"
        )


def keyring_path(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("VIGIA_VAULT_KEY_FILE") or DEFAULT_KEYRING_FILE)


def load_keyring(env: Mapping[str, str] = os.environ) -> Keyring:
    """The vault keys; see the module docstring for where they come from."""
    value = env.get("VIGIA_VAULT_KEY")
    if value:
        material = decode_env_key(value, "VIGIA_VAULT_KEY")
        if env.get("VIGIA_KEY") and material == decode_env_key(env["VIGIA_KEY"], "VIGIA_KEY"):
            raise KeyConfigError(
                "VIGIA_VAULT_KEY equals VIGIA_KEY: the vault needs its own key "
                "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        return Keyring(keys=(VaultKey(material),))
    path = keyring_path(env)
    if path.resolve() == key_file_path(env).resolve():
        raise KeyConfigError(
            f"VIGIA_VAULT_KEY_FILE and VIGIA_KEY_FILE both name {path}: "
            "the vault needs its own key file"
        )
    if not path.exists():
        create_key_file(path)
    return _parse(path, read_private_file(path))


def add_key(keyring: Keyring) -> Keyring:
    """Write a new random key as the active one; the others stay until `retire_others`."""
    _require_file(keyring)
    fresh = Keyring(
        keys=(*keyring.keys, VaultKey(secrets.token_bytes(MIN_KEY_BYTES))),
        retired=keyring.retired,
        path=keyring.path,
    )
    write_private_file(keyring.path, _format(fresh))
    return fresh


def retire_others(keyring: Keyring, now: datetime | None = None) -> Keyring:
    """Destroy every key but the active one, recording their ids and the time."""
    _require_file(keyring)
    at = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    gone = tuple((k.key_id, at) for k in keyring.keys[:-1])
    kept = Keyring(keys=(keyring.active,), retired=keyring.retired + gone, path=keyring.path)
    write_private_file(keyring.path, _format(kept))
    return kept


def _require_file(keyring: Keyring) -> None:
    if keyring.path is None:
        raise KeyConfigError(
            "the vault key comes from VIGIA_VAULT_KEY, which Vigia cannot rewrite: unset it to "
            "use the keyring file (VIGIA_VAULT_KEY_FILE), move the key there, then rotate"
        )


def _format(keyring: Keyring) -> str:
    retired = "".join(f"{_RETIRED}{key_id} {at}\n" for key_id, at in keyring.retired)
    return _HEADER + retired + "".join(k.material.hex() + "\n" for k in keyring.keys)


def _parse(path: Path, text: str) -> Keyring:
    keys: list[VaultKey] = []
    retired: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith(_RETIRED):
            parts = line[len(_RETIRED) :].split()
            if len(parts) == 2:
                retired.append((parts[0], parts[1]))
            continue
        if not line or line.startswith("#"):
            continue
        try:
            material = bytes.fromhex(line)
        except ValueError:
            material = b""
        if len(material) < MIN_KEY_BYTES:
            raise KeyConfigError(
                f"keyring {path}, line {number}: not a hex key of at least {MIN_KEY_BYTES} "
                "bytes; restore the keyring from backup"
            )
        keys.append(VaultKey(material))
    if not keys:
        raise KeyConfigError(f"keyring {path} holds no key: restore it from backup")
    return Keyring(keys=tuple(keys), retired=tuple(retired), path=path)
