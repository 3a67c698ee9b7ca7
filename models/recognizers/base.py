"""Recognizer base in the presidio-analyzer style: PATTERNS, CONTEXT words, a validate step.

A subclass sets ENTITY, PATTERNS ((name, regex, score) triples) and CONTEXT (lowercase,
accent-free words); overrides `validate` for checksums and `prefilter` for a cheap test that
skips texts that cannot hold the entity (this runs on every message). A context word within
CONTEXT_WINDOW characters of a match raises its score by CONTEXT_BOOST.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class PiiSpan:
    start: int
    end: int
    entity: str  # "CPF" | "EMAIL" | "PHONE" | "PERSON"
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
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = []
    CONTEXT: ClassVar[list[str]] = []
    CONTEXT_WINDOW: ClassVar[int] = 40  # characters on either side of a match
    CONTEXT_BOOST: ClassVar[float] = 0.35
    MIN_SCORE_WITH_CONTEXT: ClassVar[float] = 0.4
    REGEX_FLAGS: ClassVar[int] = 0

    def __init__(self) -> None:
        if not self.ENTITY:
            raise TypeError(f"{type(self).__name__} does not set ENTITY")
        self._patterns = [
            (name, re.compile(regex, self.REGEX_FLAGS), score)
            for name, regex, score in self.PATTERNS
        ]
        words = sorted({fold_text(w) for w in self.CONTEXT}, key=len, reverse=True)
        self._context = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")
            if words
            else None
        )

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
        for _name, regex, score in self._patterns:
            for match in regex.finditer(text):
                if self.validate(match.group()):
                    spans.append(self.make_span(text, match.start(), match.end(), score))
        return spans

    def make_span(self, text: str, start: int, end: int, score: float) -> PiiSpan:
        if self._context is not None and self.has_context(text, start, end):
            score = max(min(1.0, score + self.CONTEXT_BOOST), self.MIN_SCORE_WITH_CONTEXT)
        return PiiSpan(start, end, self.ENTITY, text[start:end], score)

    def has_context(self, text: str, start: int, end: int) -> bool:
        assert self._context is not None
        lo = max(0, start - self.CONTEXT_WINDOW)
        hi = min(len(text), end + self.CONTEXT_WINDOW)
        window = fold_text(text[lo:start] + " " + text[end:hi])
        return self._context.search(window) is not None
