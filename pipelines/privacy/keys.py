"""The HMAC key behind every pseudonym: from the environment or a 0600 key file.

Order: `VIGIA_KEY` (hex decoding to >= 32 bytes, or any string of >= 32 characters used as
UTF-8), else the file at `VIGIA_KEY_FILE` (default `.vigia/pseudonym.key`, relative to the
working directory), created on first use with 32 random bytes, hex-encoded, mode 0600.
Error messages name the variable or file and what to do, never the key itself.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

MIN_KEY_BYTES = 32
DEFAULT_KEY_FILE = ".vigia/pseudonym.key"


class KeyConfigError(Exception):
    """The pseudonym key is missing, too short, unreadable or too widely readable."""


def _decode_env_key(value: str) -> bytes:
    value = value.strip()
    try:
        decoded = bytes.fromhex(value)
    except ValueError:
        decoded = b""
    if len(decoded) >= MIN_KEY_BYTES:
        return decoded
    if len(value) >= MIN_KEY_BYTES:
        return value.encode("utf-8")
    raise KeyConfigError(
        f"VIGIA_KEY is too short: use at least {MIN_KEY_BYTES} bytes as hex "
        f"({2 * MIN_KEY_BYTES} hex characters) or a string of at least {MIN_KEY_BYTES} characters"
    )


def _create_key_file(path: Path) -> None:
    """Write a fresh random key so that readers never see a partial file.

    The key goes to a private temporary file (O_CREAT|O_EXCL, 0600) that is then hard-linked to
    `path`; the link fails if another process created `path` first, and that key is kept.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.fchmod(fd, 0o600)  # independent of the umask
        os.write(fd, (secrets.token_bytes(MIN_KEY_BYTES).hex() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def _read_key_file(path: Path) -> bytes:
    try:
        key = bytes.fromhex(read_private_file(path).strip())
    except ValueError:
        raise KeyConfigError(
            f"key file {path} does not hold a hex key: restore it from backup "
            "(a new key changes every pseudonym)"
        ) from None
    if len(key) < MIN_KEY_BYTES:
        raise KeyConfigError(
            f"key file {path} holds fewer than {MIN_KEY_BYTES} bytes: restore it from backup"
        )
    return key


def key_file_path(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("VIGIA_KEY_FILE") or DEFAULT_KEY_FILE)


def load_key(env: Mapping[str, str] = os.environ) -> bytes:
    """The pseudonym HMAC key (>= 32 bytes); see the module docstring for where it comes from."""
    value = env.get("VIGIA_KEY")
    if value:
        return _decode_env_key(value)
    path = key_file_path(env)
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


# Helpers shared with other secrets kept next to the pseudonym key (e.g. the vault keyring).


def decode_env_key(value: str, variable: str) -> bytes:
    """A key given in environment variable `variable`, decoded like VIGIA_KEY."""
    try:
        return _decode_env_key(value)
    except KeyConfigError as exc:
        raise KeyConfigError(str(exc).replace("VIGIA_KEY", variable, 1)) from None


def create_key_file(path: Path) -> None:
    """Create `path` with one fresh random hex key, mode 0600, unless it already exists."""
    _create_key_file(path)


def read_private_file(path: Path) -> str:
    """Text of a secret file; refused when group or others may read it."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise KeyConfigError(f"cannot read key file {path}: {exc.strerror}") from None
    if stat.S_IMODE(mode) & 0o077:
        raise KeyConfigError(
            f"key file {path} is readable by group or others: run `chmod 600 {path}`"
        )
    try:
        return path.read_text(encoding="ascii")
    except OSError as exc:
        raise KeyConfigError(f"cannot read key file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise KeyConfigError(f"key file {path} is not ASCII text: restore it from backup") from None


def write_private_file(path: Path, text: str) -> None:
    """Replace `path` atomically with `text` (temporary 0600 file, fsync, rename)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
