"""Recognizer base in the presidio-analyzer style: PATTERNS, CONTEXT words, a validate step.

A subclass sets ENTITY, PATTERNS ((name, regex, score) triples) and CONTEXT (lowercase,
accent-free words); overrides `validate` for checksums and `prefilter` for a cheap test that
skips texts that cannot hold the entity (this runs on every message). A context word within
CONTEXT_WINDOW characters of a match raises its score by CONTEXT_BOOST; spans still below
MIN_SCORE are dropped, so a weak pattern (bare digits) counts only next to a context word.
With MATCH_FOLDED the patterns run over the lowercase, accent-free copy of the text (same
offsets), so "Agência" and "agencia" are one pattern.

A recognizer that reports several entities (a NER model) lists them in ENTITIES; one that can
work on a batch faster than text by text (spaCy's `nlp.pipe`) overrides `find_many`. In a batch,
BATCH_PREFILTER (a regex that every text holding a match must contain, in the syntax shared by
Python and polars/Rust: no look-arounds) is tested on all texts at once, in Rust, before the
per-text `prefilter` and `find`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

import polars as pl


@dataclass(frozen=True, slots=True)
class PiiSpan:
    start: int
    end: int
    entity: str  # "CPF" | "EMAIL" | "PHONE" | "PERSON" | ... (models.analyzer.ENTITIES)
    text: str
    score: float


_DIGITS = "0123456789"


def count_digits(text: str) -> int:
    """ASCII digits in `text` (ten C-level scans: far cheaper than a Python loop)."""
    return sum(map(text.count, _DIGITS))


class _FoldTable(dict):
    """str.translate table: each character -> its lowercase, accent-free form, or itself.

    Always one character for one character, so offsets in the folded text are offsets in the
    original (characters whose fold is longer, like 'ß' or 'İ', are left as they are).
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)
        ).lower()
        if len(base) != 1:
            base = ch.lower() if len(ch.lower()) == 1 else ch
        self[code] = base
        return base


_FOLD_TABLE = _FoldTable()


def fold_text(text: str) -> str:
    """Lowercase, accent-stripped copy of `text` with exactly the same length."""
    return text.translate(_FOLD_TABLE)


def context_regex(words: Iterable[str]) -> re.Pattern | None:
    """Whole-word regex of context words, for folded text (see fold_text); None for no words."""
    folded = sorted({fold_text(w) for w in words}, key=len, reverse=True)
    if not folded:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, folded)) + r")(?!\w)")


def resolve_overlaps(spans: Iterable[PiiSpan]) -> list[PiiSpan]:
    """Keep the best of overlapping spans (higher score, then longer, then earlier), by start."""
    kept: list[PiiSpan] = []
    for span in sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start)):
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    kept.sort(key=lambda s: s.start)
    return kept


class Recognizer:
    ENTITY: ClassVar[str] = ""
    ENTITIES: ClassVar[tuple[str, ...]] = ()  # when it reports several; default (ENTITY,)
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = []
    CONTEXT: ClassVar[list[str]] = []
    CONTEXT_WINDOW: ClassVar[int] = 40  # characters on either side of a match
    CONTEXT_BOOST: ClassVar[float] = 0.35
    MIN_SCORE_WITH_CONTEXT: ClassVar[float] = 0.4
    MIN_SCORE: ClassVar[float] = 0.0  # spans scoring less (after context) are dropped
    MATCH_FOLDED: ClassVar[bool] = False  # run PATTERNS over fold_text(text)
    REGEX_FLAGS: ClassVar[int] = 0
    BATCH_PREFILTER: ClassVar[str | None] = None  # see the module docstring

    @classmethod
    def entities(cls) -> tuple[str, ...]:
        """Every entity this recognizer can report."""
        return cls.ENTITIES or ((cls.ENTITY,) if cls.ENTITY else ())

    def __init__(self) -> None:
        if not self.entities():
            raise TypeError(f"{type(self).__name__} sets neither ENTITY nor ENTITIES")
        self._patterns = [
            (name, re.compile(regex, self.REGEX_FLAGS), score)
            for name, regex, score in self.PATTERNS
        ]
        self._context = context_regex(self.CONTEXT)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(entity={self.ENTITY!r})"

    def prefilter(self, text: str) -> bool:
        """False when `text` certainly holds no match (cheap; runs on every message)."""
        return True

    def validate(self, match_text: str) -> bool:
        """Checksum or library check of a pattern match; True keeps it."""
        return True

    def analyze(self, text: str) -> list[PiiSpan]:
        """Non-overlapping spans of this entity in `text`, sorted by start."""
        if not text or not self.prefilter(text):
            return []
        return resolve_overlaps(self.find(text))

    def find(self, text: str) -> list[PiiSpan]:
        """All validated candidate spans (may overlap); subclasses add other sources here."""
        spans = []
        target = fold_text(text) if self.MATCH_FOLDED else text
        for _name, regex, score in self._patterns:
            for match in regex.finditer(target):
                if self.validate(match.group()):
                    span = self.make_span(text, match.start(), match.end(), score)
                    if span is not None:
                        spans.append(span)
        return spans

    def find_many(self, texts: list[str]) -> list[list[PiiSpan]]:
        """`find` over a batch of texts (prefiltered here); batch-minded recognizers override."""
        out: list[list[PiiSpan]] = [[] for _ in texts]
        for i in self.batch_candidates(texts):
            text = texts[i]
            if text and self.prefilter(text):
                out[i] = self.find(text)
        return out

    def batch_candidates(self, texts: list[str]) -> Iterable[int]:
        """Indices of the texts that may hold a match (BATCH_PREFILTER, vectorised)."""
        if self.BATCH_PREFILTER is None or len(texts) < 64:
            return range(len(texts))
        mask = pl.Series(texts, dtype=pl.Utf8).str.contains(self.BATCH_PREFILTER)
        return mask.arg_true().to_list()

    def make_span(self, text: str, start: int, end: int, score: float) -> PiiSpan | None:
        """The span with its context-raised score, or None when that stays under MIN_SCORE."""
        if self._context is not None and self.has_context(text, start, end):
            score = max(min(1.0, score + self.CONTEXT_BOOST), self.MIN_SCORE_WITH_CONTEXT)
        if score < self.MIN_SCORE:
            return None
        return PiiSpan(start, end, self.ENTITY, text[start:end], score)

    def has_context(self, text: str, start: int, end: int) -> bool:
        assert self._context is not None
        lo = max(0, start - self.CONTEXT_WINDOW)
        hi = min(len(text), end + self.CONTEXT_WINDOW)
        window = fold_text(text[lo:start] + " " + text[end:hi])
        return self._context.search(window) is not None
