"""Replace PII spans in text with typed placeholders carrying the person's pseudonym.

"ligue 11 91234-5678" -> "ligue [TELEFONE P-3f9a1c2b0d4e]". The token is that of the canonical
identifier (tel:/email:/cpf:/name:), so a phone in text gets the same token as that person in
the sender column, and a directory name gets its person's token when the analyzer knows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from models.analyzer import Analyzer, PiiSpan
from pipelines.privacy.phones import to_e164
from pipelines.privacy.pseudonyms import (
    Pseudonymizer,
    canonical_cpf,
    canonical_email,
    canonical_name,
    canonical_phone,
)

NAME_SCOPE = "directory"
_NON_DIGITS = re.compile(r"\D+")


def canonical_for_span(span: PiiSpan, analyzer: Analyzer, default_region: str = "BR") -> str:
    """Canonical identifier of the person or thing a span names."""
    if span.entity == "PHONE":
        e164 = to_e164(span.text, default_region)
        if e164 is not None:
            return canonical_phone(e164)
        return "tel-unparsed:" + _NON_DIGITS.sub("", span.text)
    if span.entity == "EMAIL":
        return canonical_email(span.text)
    if span.entity == "CPF":
        return canonical_cpf(span.text)
    if span.entity == "PERSON":
        person = analyzer.person_id(span.text)
        return person if person is not None else canonical_name(NAME_SCOPE, span.text)
    return f"{span.entity.lower()}:{span.text.strip()}"


def apply_spans(
    text: str,
    spans: list[PiiSpan],
    analyzer: Analyzer,
    pseudonymizer: Pseudonymizer,
    default_region: str = "BR",
) -> str:
    """`text` with each (non-overlapping, sorted) span replaced by "[LABEL TOKEN]"."""
    if not spans:
        return text
    parts, pos = [], 0
    for span in spans:
        token = pseudonymizer.token(canonical_for_span(span, analyzer, default_region))
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
    texts = list(texts)
    return [
        apply_spans(text, spans, analyzer, pseudonymizer, default_region)
        for text, spans in zip(texts, analyzer.analyze_many(texts), strict=True)
    ]
