"""The text form rules are matched against: folded, with entities and amounts as single tokens.

`match_form(text)` folds the text (lowercase, no accents, see `schema.fold`) and replaces

- each privacy placeholder "[PESSOA P-3f9a1c2b0d4e]" (pipelines/privacy/redaction.py) by the
  token of its label, "<pessoa>" ("[TELEFONE …]" -> "<telefone>", "[PROCESSO …]" -> "<processo>");
- each money amount ("R$ 5 mil", "R$5.000,00", "10k", "dez conto", "50 pau", "$200",
  "five grand", "diez mil pesos") by "<valor>", and each percentage ("5%", "dez por cento") by
  "<percentual>",

padding the new token with spaces where it touches other characters, so spaCy reads it as one
token. It returns the offset map back to `text`, so hit offsets still point into the original.
"""

from __future__ import annotations

import re
from functools import lru_cache

from models.rules.schema import fold_with_offsets

AMOUNT, PERCENT = "<valor>", "<percentual>"
_NUMBER_WORDS = (
    "dois|duas|tres|quatro|cinco|seis|sete|oito|nove|dez|onze|doze|quinze|vinte|trinta|quarenta"
    "|cinquenta|sessenta|setenta|oitenta|noventa|cem|cento|duzentos|trezentos|quinhentos|mil"
    "|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred"
    "|dos|cuatro|seis|siete|ocho|nueve|diez|veinte|treinta|cuarenta|cincuenta|cien|doscientos"
    "|quinientos|um|uma|one|un|una"
)
_SCALE = r"k|mil|milhao|milhoes|bi|bilhao|bilhoes|thousand|grand|million|millions|millon|millones"
_UNIT = (
    r"reais|real|conto|contos|pila|pilas|pau|paus|dolares|dolar|dollars|dollar|bucks|euros|euro"
    r"|pesos|lucas|luca|palos|pavos|verdinhas"
)
_PERCENT_WORDS = r"%|por\s?cento|percent|por\s?ciento"
# a number, optionally after a currency sign, then a percent sign, a scale or a unit
_NUMBER = re.compile(
    rf"(?:[$€£]\s?)?\d+(?:[.,]\d+)*(?:(?P<percent>\s?(?:{_PERCENT_WORDS}))"
    rf"|(?P<scale>\s?(?:{_SCALE}|{_UNIT})(?:\s(?:de\s)?(?:{_UNIT}))?)?(?!\w))"
)
_SPELLED = re.compile(
    rf"\b(?:{_NUMBER_WORDS})\s(?:(?P<percent>{_PERCENT_WORDS})"
    rf"|(?:(?:{_SCALE})\s)?(?:{_UNIT}|mil|thousand|grand|milhoes|millones))(?!\w)"
)
# cheap tests that let most texts skip the regexes above
_HAS_NUMBER = re.compile(r"[\d$€£]")
_HAS_SPELLED = re.compile(
    r"mil|conto|pila|pau|rea|grand|buck|dolar|dollar|peso|luca|palo|pavo|thousand|cent|euro"
)
_CURRENCY_BEFORE = re.compile(r"(?:\b(?:r|us|u|usd|eur|brl|mxn|ars|clp|cop)\s?)$")
# a bare number right after "cobra", "paga", "custa", "charges"... is an amount ("cobra 500 por
# certidão"), unless a count of days, hours, instalments... follows it
_PRICE_VERB_BEFORE = re.compile(r"\b(?:cobr|pag|cust|charg|cuest|cobr)\w*\s$")
_COUNTED_AFTER = re.compile(
    r"\s*(?:dias?|horas?|h|min|minutos|semanas?|meses|mes|anos?|parcelas?|vezes|x|boletos?|guias?"
    r"|days?|hours?|weeks?|months?|years?|installments?|times|cuotas|semanas|meses)\b"
)
_CENTS = re.compile(r"\d{1,3}(?:\.\d{3})+,\d{2}")
_PLACEHOLDER = re.compile(r"\[(?P<label>[a-z][a-z_]*) p-[0-9a-f]{4,}\]")
# "um/uma/one/un/una" are number words only before a scale or unit: "um conto" is a short story
_SINGULAR = re.compile(r"(?:um|uma|one|un|una)\s(?:conto|real|dolar|dollar|euro|peso|luca)$")


@lru_cache(maxsize=256)
def placeholder_token(label: str) -> str:
    """Token of a placeholder label (folded): "pessoa" -> "<pessoa>"."""
    return f"<{label}>"


def _number_spans(folded: str) -> list[tuple[int, int, str]]:
    spans = []
    for found in _NUMBER.finditer(folded):
        start, end = found.span()
        before = folded[max(0, start - 4) : start]
        wide_before = folded[max(0, start - 14) : start]
        if found.group("percent"):
            token = PERCENT
        elif (
            found.group("scale")
            or folded[start] in "$€£"
            or _CENTS.fullmatch(found.group())
            or _CURRENCY_BEFORE.search(before)  # "usd 500", "brl 1.200"
            or (_PRICE_VERB_BEFORE.search(wide_before) and not _COUNTED_AFTER.match(folded, end))
        ):
            token = AMOUNT
        else:
            continue
        if token is AMOUNT:
            currency = _CURRENCY_BEFORE.search(before)
            if currency is not None:
                start -= len(currency.group())
        if start > 0 and (folded[start - 1].isalnum() or folded[start - 1] in ".,"):
            continue  # part of a longer word or number (a pseudonym's hex digits, a date)
        spans.append((start, end, token))
    return spans


def _entity_spans(folded: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, token) spans, placeholders first, then the longest."""
    spans: list[tuple[int, int, str]] = []
    if "[" in folded:
        spans.extend(
            (m.start(), m.end(), placeholder_token(m.group("label")))
            for m in _PLACEHOLDER.finditer(folded)
        )
    if _HAS_NUMBER.search(folded):
        spans.extend(_number_spans(folded))
    if _HAS_SPELLED.search(folded):
        for found in _SPELLED.finditer(folded):
            if not _SINGULAR.match(found.group()):
                token = PERCENT if found.group("percent") else AMOUNT
                spans.append((found.start(), found.end(), token))
    if len(spans) < 2:
        return spans
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept = [spans[0]]
    for span in spans[1:]:
        if span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def match_form(text: str) -> tuple[str, list[int] | None, set[str]]:
    """(text to match, offset map back to `text` or None, placeholder tokens it holds).

    With a map `m`, a span [s, e) of the match form is the span [m[s], m[e]) of `text`.
    """
    folded, offsets = fold_with_offsets(text)
    spans = _entity_spans(folded)
    if not spans:
        return folded, offsets, set()
    parts: list[str] = []
    where: list[int] = []  # folded index of each character of the result (+ the end)
    labels: set[str] = set()
    pos = 0
    for start, end, token in spans:
        if token not in (AMOUNT, PERCENT):
            labels.add(token)
        parts.append(folded[pos:start])
        where.extend(range(pos, start))
        if start > 0 and not folded[start - 1].isspace():
            parts.append(" ")
            where.append(start)
        parts.append(token)
        where.extend([start] * len(token))
        if end < len(folded) and not folded[end].isspace():
            parts.append(" ")
            where.append(end)
        pos = end
    parts.append(folded[pos:])
    where.extend(range(pos, len(folded) + 1))
    if offsets is not None:
        where = [offsets[i] for i in where]
    return "".join(parts), where, labels
