"""Identities of the values found in message text: the vault entries behind "[PESSOA P-…]".

Silver text carries a token for every PII span the analyzer found (a name, a CPF, an e-mail...).
A span naming a known party (a directory name, a sender's phone) shares that party's token,
which the vault already holds; every other token gets an entry here: identifier = the canonical
identifier of the span (what the token is the keyed hash of, e.g. "name:directory:joao da
silva"), kind = the entity label (PERSON, CPF, EMAIL, ...), display name = the span as first
written. One entry per token.

Which texts: only messages whose redacted text or attachment name in silver holds a token that
is not known yet; their bronze text is analysed again with the analyzer silver used, so once
every token is in the vault a rerun analyses nothing. Clear values go nowhere but the returned
identities (the vault encrypts them); nothing is logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from pipelines.conform.messages import PrivacyContext
from pipelines.privacy.redaction import canonical_for_span
from pipelines.privacy.vault import Identity

PLACEHOLDER = r"\[[A-Z_]+ P-[0-9a-f]{12}\]"  # "[PESSOA P-3f9a1c2b0d4e]"
_TOKEN_CHARS = 14  # "P-" + 12 hex digits, just before the closing bracket
TEXT_COLUMNS = ("text_redacted", "attachment_redacted")
BRONZE_TEXT_COLUMNS = ("body", "attachment_name")


@dataclass(frozen=True)
class TextIdentities:
    identities: dict[str, Identity]  # token -> identity, for tokens that were missing
    texts_analysed: int
    unresolved: (
        int  # missing tokens the analysis did not find again (analyzer or directory changed)
    )


def placeholder_tokens(silver: pl.LazyFrame) -> pl.LazyFrame:
    """(bronze_record_id, token) for every placeholder token in silver's text columns."""
    lists = [
        pl.col(c)
        .fill_null("")
        .str.extract_all(PLACEHOLDER)
        .list.eval(pl.element().str.slice(-_TOKEN_CHARS - 1, _TOKEN_CHARS))
        for c in TEXT_COLUMNS
    ]
    return (
        silver.select("bronze_record_id", token=pl.concat_list(lists))
        .explode("token")
        .drop_nulls("token")
        .unique()
    )


def missing_tokens(silver: pl.LazyFrame, known: Iterable[str]) -> pl.DataFrame:
    """(bronze_record_id, token) rows whose token is not in `known`."""
    known = pl.Series("token", list(known), dtype=pl.Utf8)
    return (
        placeholder_tokens(silver)
        .filter(~pl.col("token").is_in(known.implode()))
        .sort("bronze_record_id", "token")
        .collect()
    )


def bronze_texts(bronze: Sequence[pl.LazyFrame], record_ids: Iterable[str]) -> list[str]:
    """Message bodies and attachment names of the given bronze records (non-empty, distinct)."""
    ids = pl.Series("record_id", sorted(set(record_ids)), dtype=pl.Utf8).implode()
    texts: list[str] = []
    for frame in bronze:
        rows = frame.filter(pl.col("record_id").is_in(ids)).select(BRONZE_TEXT_COLUMNS).collect()
        for column in BRONZE_TEXT_COLUMNS:
            texts += rows.get_column(column).drop_nulls().to_list()
    return list(dict.fromkeys(t for t in texts if t))


def identities_in_texts(
    texts: list[str], privacy: PrivacyContext, wanted: set[str]
) -> dict[str, Identity]:
    """token -> Identity of each span in `texts` whose token is in `wanted` (first seen wins)."""
    found: dict[str, Identity] = {}
    analyzer, pseudonymizer = privacy.analyzer, privacy.pseudonymizer
    for spans in analyzer.analyze_many(texts):
        for span in spans:
            canonical = canonical_for_span(span, analyzer, privacy.default_region)
            token = pseudonymizer.token(canonical)
            if token in wanted and token not in found:
                shown = span.text.strip() or None
                found[token] = Identity(canonical, span.entity, display_name=shown)
    return found


def collect_text_identities(
    silver: pl.LazyFrame | None,
    bronze: Sequence[pl.LazyFrame],
    privacy: PrivacyContext,
    known: Iterable[str],
) -> TextIdentities:
    """Identities for the placeholder tokens of silver text that are not in `known`."""
    if silver is None:
        return TextIdentities({}, 0, 0)
    missing = missing_tokens(silver, known)
    wanted = set(missing.get_column("token").to_list())
    if not wanted:
        return TextIdentities({}, 0, 0)
    texts = bronze_texts(bronze, missing.get_column("bronze_record_id").to_list())
    found = identities_in_texts(texts, privacy, wanted)
    return TextIdentities(found, len(texts), len(wanted - set(found)))
