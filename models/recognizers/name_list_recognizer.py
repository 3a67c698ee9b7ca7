"""Known people by exact name: the employee and client directory, accent- and case-insensitive.

A spaCy PhraseMatcher (attr LOWER) on a blank "pt" pipeline runs over a folded copy of the
text (lowercase, accents stripped, same length as the original), so "joao da silva" finds
"João da Silva" and the match offsets are offsets into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

import spacy
from spacy.matcher import PhraseMatcher

from models.recognizers.base import PiiSpan, Recognizer, fold_text

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


class NameListRecognizer(Recognizer):
    ENTITY = "PERSON"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = []  # names come from the directory
    CONTEXT: ClassVar[list[str]] = []
    SCORE: ClassVar[float] = 0.9
    USES_KNOWN_NAMES: ClassVar[bool] = True

    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__()
        self._nlp = spacy.blank("pt")
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        folded = {_SPACES.sub(" ", fold_text(n)).strip() for n in names}
        folded.discard("")
        docs = list(self._nlp.tokenizer.pipe(sorted(folded)))
        if docs:
            self._matcher.add(self.ENTITY, docs)
        # Pre-filter: one whole-word token of each name (its longest, usually the rarest). A
        # text holding none of them among its words cannot match and skips the tokenizer.
        keys = [
            max((t.lower_ for t in d if _WORD.fullmatch(t.lower_)), key=len, default="")
            for d in docs
        ]
        self._key_words = set(keys)
        self._key_words_exact = "" not in self._key_words
        self.size = len(docs)

    def prefilter(self, text: str) -> bool:
        if not self.size:
            return False
        if not self._key_words_exact:
            return True
        return not self._key_words.isdisjoint(_WORD.findall(fold_text(text)))

    def find(self, text: str) -> list[PiiSpan]:
        doc = self._nlp.make_doc(fold_text(text))
        return [self._span(text, doc[s:e]) for _id, s, e in self._matcher(doc)]

    def _span(self, text: str, span) -> PiiSpan:
        return PiiSpan(
            span.start_char,
            span.end_char,
            self.ENTITY,
            text[span.start_char : span.end_char],
            self.SCORE,
        )
