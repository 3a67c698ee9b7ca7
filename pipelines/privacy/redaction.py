"""Replace PII spans in text with typed placeholders carrying the person's pseudonym.

"ligue 11 91234-5678" -> "ligue [TELEFONE P-3f9a1c2b0d4e]". The token is that of the canonical
identifier (tel:/email:/cpf:/name:/cnpj:/...), so a phone in text gets the same token as that
person in the sender column, a directory name gets its person's token when the analyzer knows
it, and a PIX key that is an e-mail, phone or CPF gets the token of that e-mail, phone or CPF.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from models.analyzer import Analyzer, PiiSpan, paused_gc
from models.recognizers.cpf_recognizer import cpf_check_digits_ok
from models.recognizers.date_of_birth_recognizer import birth_date_iso
from pipelines.privacy.phones import to_e164
from pipelines.privacy.pseudonyms import (
    Pseudonymizer,
    canonical_bank_account,
    canonical_card,
    canonical_cep,
    canonical_cnj,
    canonical_cnpj,
    canonical_cpf,
    canonical_date,
    canonical_email,
    canonical_name,
    canonical_oab,
    canonical_phone,
    canonical_pix_random_key,
    canonical_rg,
    canonical_text,
)

NAME_SCOPE = "directory"
_NON_DIGITS = re.compile(r"\D+")
_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_BY_VALUE = {
    "CNPJ": canonical_cnpj,
    "RG": canonical_rg,
    "OAB": canonical_oab,
    "CNJ_PROCESS": canonical_cnj,
    "CEP": canonical_cep,
    "BANK_ACCOUNT": canonical_bank_account,
    "CREDIT_CARD": canonical_card,
}
_FREE_TEXT = {"ADDRESS": "address", "LOCATION": "place", "ORGANIZATION": "org"}


def canonical_for_span(span: PiiSpan, analyzer: Analyzer, default_region: str = "BR") -> str:
    """Canonical identifier of the person or thing a span names."""
    entity, text = span.entity, span.text
    try:
        if entity == "PHONE":
            return _phone(text, default_region)
        if entity == "EMAIL":
            return canonical_email(text)
        if entity == "CPF":
            return canonical_cpf(text)
        if entity == "PERSON":
            person = analyzer.person_id(text)
            return person if person is not None else canonical_name(NAME_SCOPE, text)
        if entity == "PIX_KEY":
            return _pix_key(text, default_region)
        if entity == "DATE_OF_BIRTH":
            iso = birth_date_iso(text)
            if iso is not None:
                return canonical_date(iso)
        elif entity in _BY_VALUE:
            return _BY_VALUE[entity](text)
        elif entity in _FREE_TEXT:
            return canonical_text(_FREE_TEXT[entity], text)
    except ValueError:
        pass  # a span its recognizer found but the helper cannot normalise: keep it verbatim
    return f"{entity.lower()}:{text.strip()}"


def _phone(text: str, default_region: str) -> str:
    e164 = to_e164(text, default_region)
    if e164 is not None:
        return canonical_phone(e164)
    return "tel-unparsed:" + _NON_DIGITS.sub("", text)


def _pix_key(text: str, default_region: str) -> str:
    """A PIX key carries the identity of what it is: e-mail, CPF, CNPJ, phone or random key."""
    if "@" in text:
        return canonical_email(text)
    if _UUID.fullmatch(text.strip()):
        return canonical_pix_random_key(text)
    digits = _NON_DIGITS.sub("", text)
    if len(digits) == 14 and "+" not in text:
        return canonical_cnpj(text)
    is_cpf = len(digits) == 11 and "+" not in text and cpf_check_digits_ok(digits)
    # bare digits valid as both read as a CPF, as PhoneRecognizer.reads_as_cpf explains
    if is_cpf and ("." in text or digits == text.strip() or to_e164(text, default_region) is None):
        return canonical_cpf(digits)
    return _phone(text, default_region)


def apply_spans(
    text: str,
    spans: list[PiiSpan],
    analyzer: Analyzer,
    pseudonymizer: Pseudonymizer,
    default_region: str = "BR",
    memo: dict[tuple[str, str], str] | None = None,
) -> str:
    """`text` with each (non-overlapping, sorted) span replaced by "[LABEL TOKEN]". `memo`
    ((entity, value) -> token) spares parsing and hashing a value seen before in the batch."""
    if not spans:
        return text
    parts, pos = [], 0
    for span in spans:
        token = memo.get((span.entity, span.text)) if memo is not None else None
        if token is None:
            token = span_token(span, analyzer, pseudonymizer, default_region)
            if memo is not None:
                memo[(span.entity, span.text)] = token
        parts.append(text[pos : span.start])
        parts.append(f"[{analyzer.label(span.entity)} {token}]")
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts)


def redact(
    text: str, analyzer: Analyzer, pseudonymizer: Pseudonymizer, default_region: str = "BR"
) -> str:
    """`text` with every PII span replaced by a typed placeholder carrying its pseudonym."""
    return apply_spans(text, analyzer.analyze(text), analyzer, pseudonymizer, default_region)


def redact_many(
    texts: Iterable[str],
    analyzer: Analyzer,
    pseudonymizer: Pseudonymizer,
    default_region: str = "BR",
) -> list[str]:
    """`redact` over a batch (uses `analyzer.analyze_many`)."""
    return [
        text
        for text, _spans in redact_many_with_spans(texts, analyzer, pseudonymizer, default_region)
    ]


def redact_many_with_spans(
    texts: Iterable[str],
    analyzer: Analyzer,
    pseudonymizer: Pseudonymizer,
    default_region: str = "BR",
) -> list[tuple[str, list[PiiSpan]]]:
    """(redacted text, the spans replaced, with offsets into the input) for each text."""
    texts = list(texts)
    found = analyzer.analyze_many(texts)
    memo: dict[tuple[str, str], str] = {}
    with paused_gc():
        return [
            (apply_spans(text, spans, analyzer, pseudonymizer, default_region, memo), spans)
            for text, spans in zip(texts, found, strict=True)
        ]


def span_token(
    span: PiiSpan, analyzer: Analyzer, pseudonymizer: Pseudonymizer, default_region: str = "BR"
) -> str:
    """The pseudonym a span's placeholder carries (a keyed hash of its canonical value)."""
    return pseudonymizer.token(canonical_for_span(span, analyzer, default_region))


def redact_optional(
    values: list[str | None], analyzer: Analyzer, pseudonymizer: Pseudonymizer
) -> list[str | None]:
    """`redact_many` over a column with gaps (e.g. attachment names): None stays None."""
    present = [i for i, v in enumerate(values) if v]
    redacted = redact_many([values[i] for i in present], analyzer, pseudonymizer)
    out: list[str | None] = [None] * len(values)
    for i, text in zip(present, redacted, strict=True):
        out[i] = text
    return out
