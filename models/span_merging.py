"""How the spans of several recognizers over one text become one answer (used by models.analyzer).

`merge_spans` keeps non-overlapping spans by registry priority, then score, then length, after
dropping spans that a longer span of the same entity contains. `screen` blanks the spans of
higher-priority recognizers, for a recognizer that decides from the rest of the text whether to
run at all (SCREEN_COVERED).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from models.recognizers.base import PiiSpan
from pipelines.privacy.pseudonyms import fold_name

_WORDS = re.compile(r"\w+")

# words a longer name span may add around a known name without naming another person
HONORIFICS = frozenset(
    {"dr", "dra", "doutor", "doutora", "sr", "sra", "srta", "senhor", "senhora", "dona", "seu",
     "d", "prof", "profa", "professor", "professora", "o", "a", "adv", "advogado", "advogada"}
)  # fmt: skip


def merge_spans(tagged: Iterable[tuple[int, PiiSpan]]) -> list[PiiSpan]:
    """Non-overlapping spans by start: higher priority, then score, then length, then earlier.

    First, a span strictly inside a longer one of the same entity is dropped, whatever its
    priority: "Alícia Souza" from the directory inside "Alícia Souza Pinto" from the model would
    otherwise leave "Pinto" in clear. Not when the longer span only adds honorifics ("Dra.
    Ana Souza"): the known name keeps its person's token."""
    tagged = list(tagged)
    inner = {id(span) for _, span in tagged for _, outer in tagged if _adds_a_name(outer, span)}
    kept: list[PiiSpan] = []
    tagged = [(p, s) for p, s in tagged if id(s) not in inner]
    ordered = sorted(tagged, key=lambda t: (-t[0], -t[1].score, t[1].start - t[1].end, t[1].start))
    for _priority, span in ordered:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    kept.sort(key=lambda s: s.start)
    return kept


def _adds_a_name(outer: PiiSpan, span: PiiSpan) -> bool:
    """`outer` strictly contains `span`, same entity, and adds more than honorifics to it."""
    if outer.entity != span.entity or not (outer.start <= span.start and span.end <= outer.end):
        return False
    if outer.end - outer.start == span.end - span.start:
        return False
    extra = outer.text[: span.start - outer.start] + " " + outer.text[span.end - outer.start :]
    return any(word not in HONORIFICS for word in _WORDS.findall(fold_name(extra)))


def screen(text: str, tagged: list[tuple[int, PiiSpan]], priority: int) -> str:
    """`text` with the spans of recognizers of a higher priority than `priority` blanked."""
    covered = sorted((s.start, s.end) for p, s in tagged if p > priority)
    if not covered:
        return text
    parts, pos = [], 0
    for start, end in covered:
        if end > pos:
            start = max(start, pos)
            parts += [text[pos:start], " " * (end - start)]
            pos = end
    parts.append(text[pos:])
    return "".join(parts)
