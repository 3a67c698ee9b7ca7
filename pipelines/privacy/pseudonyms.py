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


# Canonical identifiers of the other things PII recognizers find in text. Each normalises the
# spellings of one value to one string, so "12.345.678/0001-95" and "12345678000195" share a
# token. Location and organisation names are folded like person names.


def canonical_cnpj(value: str) -> str:
    """CNPJ (numeric or the 2026 alphanumeric form) -> "cnpj:" + its 14 characters."""
    only = "".join(ch for ch in value.upper() if ch.isalnum())
    if len(only) != 14:
        raise ValueError("canonical_cnpj expects 14 letters or digits")
    return f"cnpj:{only}"


def canonical_rg(value: str) -> str:
    """RG -> "rg:" + its digits and check letter, state prefix dropped ("MG-12.345.678")."""
    only = "".join(ch for ch in value.upper() if ch.isdigit() or ch == "X")
    if not only:
        raise ValueError("canonical_rg expects digits")
    return f"rg:{only}"


def canonical_oab(value: str) -> str:
    """OAB registration -> "oab:<UF>:<number>[letter]" ("OAB/SP 123.456" -> "oab:SP:123456")."""
    upper = strip_accents(value).upper()
    uf = _OAB_UF.search(upper.replace("OAB", " "))
    number = _OAB_NUMBER.search(upper)
    if uf is None or number is None:
        raise ValueError("canonical_oab expects a state (UF) and a number")
    return f"oab:{uf.group()}:{number.group(1).replace('.', '')}{number.group(2) or ''}"


_OAB_UF = re.compile(
    r"(?<![A-Z])(?:AC|AL|AP|AM|BA|CE|DF|ES|GO|MA|MT|MS|MG|PA|PB|PR|PE|PI|RJ|RN|RS|RO|RR|SC|SP"
    r"|SE|TO)(?![A-Z])"
)
_OAB_NUMBER = re.compile(r"(\d[\d.]*\d|\d)(?:-?([ABE])(?![A-Z]))?")


def canonical_cnj(value: str) -> str:
    """CNJ lawsuit number -> "cnj:" + its 20 digits in written order."""
    only = _NON_DIGITS.sub("", value)
    if len(only) != 20:
        raise ValueError("canonical_cnj expects 20 digits")
    return f"cnj:{only}"


def canonical_cep(value: str) -> str:
    only = _NON_DIGITS.sub("", value)
    if len(only) != 8:
        raise ValueError("canonical_cep expects 8 digits")
    return f"cep:{only}"


def canonical_bank_account(value: str) -> str:
    """Branch and/or account as written -> "bank:" + their digit groups joined by ":"."""
    groups = [g for g in re.findall(r"\d[\d.]*(?:-[\dxX])?", value)]
    digits = [_NON_DIGITS.sub("", g.upper().replace("X", "0")) for g in groups]
    if not digits:
        raise ValueError("canonical_bank_account expects digits")
    return "bank:" + ":".join(digits)


def canonical_card(value: str) -> str:
    only = _NON_DIGITS.sub("", value)
    if not 12 <= len(only) <= 19:
        raise ValueError("canonical_card expects 12 to 19 digits")
    return f"card:{only}"


def canonical_pix_random_key(value: str) -> str:
    """PIX random key (a UUID) -> "pix:" + its lowercase form."""
    key = value.strip().lower()
    if len(key) != 36 or key.count("-") != 4:
        raise ValueError("canonical_pix_random_key expects a UUID")
    return f"pix:{key}"


def canonical_date(value: str) -> str:
    """A date already parsed to ISO form (YYYY-MM-DD) -> "date:YYYY-MM-DD"."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("canonical_date expects an ISO date (YYYY-MM-DD)")
    return f"date:{value}"


def canonical_text(kind: str, value: str) -> str:
    """Free text (an address, a place, an organisation) -> "<kind>:" + its folded form."""
    folded = fold_name(re.sub(r"[^\w\s]", " ", value))
    if not folded:
        raise ValueError("canonical_text expects a non-empty value")
    return f"{kind}:{folded}"
