"""Keyed pseudonyms: one person, one token, across every table.

A token is "P-" + the first 12 hex characters of HMAC-SHA256(key, canonical identifier).
Canonical identifiers are typed strings built by the helpers below:
"tel:+5511912345678", "email:ana@x.com.br", "cpf:12345678909", "name:<scope>:<folded name>".
Aliases map one canonical identifier to another before hashing (one level), so a known
person's e-mail or CPF can carry the token of their phone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping

from pipelines.privacy.phones import to_e164

TOKEN_PREFIX = "P-"
TOKEN_HEX_CHARS = 12

_E164 = re.compile(r"\+[1-9]\d{4,17}")  # E.164 is <= 15 digits; some valid numbers run longer
_NON_DIGITS = re.compile(r"\D+")
_WHITESPACE = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """'João Ção' -> 'Joao Cao' (canonical decomposition, combining marks removed)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_name(name: str) -> str:
    """Name as compared: accents stripped, casefolded, whitespace collapsed."""
    return _WHITESPACE.sub(" ", strip_accents(name).casefold()).strip()


def canonical_phone(e164: str) -> str:
    e164 = e164.strip()
    if not _E164.fullmatch(e164):
        raise ValueError(
            "canonical_phone expects an E.164 number (+ and digits): use to_e164 first"
        )
    return f"tel:{e164}"


def canonical_email(addr: str) -> str:
    addr = addr.strip().lower()
    if "@" not in addr:
        raise ValueError("canonical_email expects an e-mail address containing '@'")
    return f"email:{addr}"


def canonical_cpf(digits: str) -> str:
    """CPF with or without punctuation -> "cpf:" + its 11 digits."""
    only = _NON_DIGITS.sub("", digits)
    if len(only) != 11:
        raise ValueError("canonical_cpf expects 11 digits")
    return f"cpf:{only}"


def canonical_name(scope: str, name: str) -> str:
    """Names are only unique within a scope (e.g. "directory", or one chat)."""
    folded = fold_name(name)
    if not folded:
        raise ValueError("canonical_name expects a non-empty name")
    return f"name:{scope}:{folded}"


class Pseudonymizer:
    """Turns canonical identifiers into tokens. The key is never shown by str/repr."""

    __slots__ = ("_mac", "_aliases", "_cache")

    def __init__(self, key: bytes, aliases: Mapping[str, str] | None = None):
        if not isinstance(key, bytes | bytearray) or len(key) < 16:
            raise ValueError("Pseudonymizer needs a key of at least 16 bytes (see load_key)")
        self._mac = hmac.new(bytes(key), digestmod=hashlib.sha256)
        self._aliases: dict[str, str] = dict(aliases or {})
        self._cache: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Pseudonymizer(key=<hidden>, aliases={len(self._aliases)})"

    __str__ = __repr__

    def token(self, identifier: str) -> str:
        """Token of a canonical identifier (after applying its alias, if any)."""
        cached = self._cache.get(identifier)
        if cached is not None:
            return cached
        target = self._aliases.get(identifier, identifier)
        mac = self._mac.copy()
        mac.update(target.encode("utf-8"))
        result = TOKEN_PREFIX + mac.hexdigest()[:TOKEN_HEX_CHARS]
        if len(self._cache) < 1_000_000:
            self._cache[identifier] = result
        return result

    def token_for_phone(self, raw: str, default_region: str = "BR") -> str | None:
        """Token of a phone as typed or dialled; None when it is not a valid number."""
        e164 = to_e164(raw, default_region)
        return None if e164 is None else self.token(canonical_phone(e164))

    def token_for_email(self, addr: str) -> str:
        return self.token(canonical_email(addr))

    def token_for_cpf(self, digits: str) -> str:
        return self.token(canonical_cpf(digits))

    def token_for_name(self, scope: str, name: str) -> str:
        return self.token(canonical_name(scope, name))
