"""Match misconduct rules against message text with spaCy's Matcher and PhraseMatcher.

Only spaCy's Portuguese tokenizer runs (no model): texts are folded (lowercase, no accents,
see `schema.fold`), tokenized, and matched on the token NORM attribute. NORM is the folded
word except for WhatsApp abbreviations, whose lexemes get the full word as NORM from
`abbreviations.<language>.yaml` ("vc" -> "voce"), so a rule written with "voce" also matches
"vc" / "você" / "VC" at no per-token cost. Hits come back with offsets in the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.attrs import LOWER, NORM, ORTH
from spacy.lang.pt.stop_words import STOP_WORDS
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc

from models.rules.loader import load_abbreviations, load_rules
from models.rules.schema import SEVERITY_RANK, Rule, fold, fold_with_offsets


@dataclass(frozen=True)
class RuleHit:
    rule_id: str
    category: str
    severity: str
    weight: float
    start: int  # character offsets in the original text
    end: int


_EXCLUDE = "!"  # match-key prefix of a rule's exclusions
_STOP_WORDS = frozenset(fold(w) for w in STOP_WORDS)
_WORD_ATTRS = ("NORM", "LOWER", "ORTH", "TEXT")
_REQUIRED_OP = re.compile(r"^\+$|^\{[1-9]\d*(,\d*)?\}$")


def _required_words(pattern: list[dict[str, Any]]) -> list[frozenset[str]]:
    """Word sets a text must each intersect for `pattern` to match (empty: cannot tell).

    One set per required token constrained to a word or word list, rarest first (fewest stop
    words), so that most texts are ruled out by the first set lookup.
    """
    candidates = []
    for token in pattern:
        op = token.get("OP")
        if op is not None and not _REQUIRED_OP.match(op):
            continue
        for attr in _WORD_ATTRS:
            value = token.get(attr)
            words = [value] if isinstance(value, str) else None
            if isinstance(value, dict) and set(value) == {"IN"}:
                words = value["IN"]
            if words:
                stops = sum(w in _STOP_WORDS for w in words)
                candidates.append((stops, len(words), frozenset(words)))
    return [words for *_, words in sorted(candidates, key=lambda c: c[:2])]


class RuleScorer:
    """Compiled rule set; build once, then call `hits` / `hits_many` (not thread-safe)."""

    def __init__(self, rules: Sequence[Rule], abbreviations: Mapping[str, str] | None = None):
        self.rules = tuple(rules)
        self.nlp = spacy.blank("pt")
        vocab = self.nlp.vocab
        for short, full in (abbreviations or {}).items():
            vocab[short].norm_ = full
        self._phrases = PhraseMatcher(vocab, attr="NORM")
        self._excl_phrases = PhraseMatcher(vocab, attr="NORM")
        self._excl_patterns = Matcher(vocab)
        self._rule_of: dict[int, Rule] = {}
        # token patterns: one Matcher per rule, run only on texts that hold the words its patterns
        # require (Matcher predicates such as IN are Python calls per token: gating saves ~5x)
        self._gated: list[tuple[frozenset[int] | None, list[list[frozenset[int]]], Matcher]] = []
        self._excluded_rule_of: dict[int, str] = {}
        for rule in self.rules:
            self._rule_of[vocab.strings.add(rule.id)] = rule
            if rule.phrases:
                self._phrases.add(rule.id, [self.nlp.make_doc(p) for p in rule.phrases])
            if rule.patterns:
                self._add_gated_patterns(rule, vocab.strings)
            key = _EXCLUDE + rule.id
            self._excluded_rule_of[vocab.strings.add(key)] = rule.id
            if rule.exclusions:
                self._excl_phrases.add(key, [self.nlp.make_doc(p) for p in rule.exclusions])
            if rule.exclusion_patterns:
                self._excl_patterns.add(key, list(rule.exclusion_patterns))
        gates = [gate for gate, _, _ in self._gated]
        self._any_gate = None if None in gates else frozenset().union(*gates)
        # spaCy warns when an empty matcher is called: keep only the matchers that hold patterns
        self._excl_matchers = [m for m in (self._excl_phrases, self._excl_patterns) if len(m)]

    def _add_gated_patterns(self, rule: Rule, strings: StringStore) -> None:
        matcher = Matcher(self.nlp.vocab)
        matcher.add(rule.id, list(rule.patterns), greedy="LONGEST")
        required = [
            [frozenset(strings.add(word) for word in words) for words in _required_words(p)]
            for p in rule.patterns
        ]
        # gate: the union of each pattern's rarest set, a quick first test (None: always run)
        gate = None if [] in required else frozenset().union(*(r[0] for r in required))
        self._gated.append((gate, required, matcher))

    @classmethod
    def from_directory(
        cls, directory: Path | None = None, languages: Iterable[str] | None = None
    ) -> RuleScorer:
        """Load and compile the rule files (and abbreviation tables) of `directory`."""
        return cls(load_rules(directory, languages), load_abbreviations(directory))

    def hits(self, text: str) -> list[RuleHit]:
        folded, offsets = fold_with_offsets(text)
        return self._doc_hits(self.nlp.make_doc(folded), offsets)

    def hits_many(self, texts: Iterable[str], batch_size: int = 1000) -> list[list[RuleHit]]:
        folded_offsets = [fold_with_offsets(t) for t in texts]
        docs = self.nlp.pipe((f for f, _ in folded_offsets), batch_size=batch_size)
        return [
            self._doc_hits(doc, offsets)
            for doc, (_, offsets) in zip(docs, folded_offsets, strict=True)
        ]

    def _doc_hits(self, doc: Doc, offsets: list[int] | None) -> list[RuleHit]:
        matches = self._phrases(doc) if len(self._phrases) else []
        words = set(doc.to_array([ORTH, LOWER, NORM]).ravel().tolist())
        if self._any_gate is None or not words.isdisjoint(self._any_gate):
            for gate, required, matcher in self._gated:
                if gate is not None and (
                    words.isdisjoint(gate)
                    or not any(all(not words.isdisjoint(s) for s in r) for r in required)
                ):
                    continue
                matches.extend(matcher(doc))
        if not matches:
            return []
        if self._excl_matchers:
            excluded = {
                self._excluded_rule_of[key]
                for matcher in self._excl_matchers
                for key, _, _ in matcher(doc)
            }
            if excluded:
                matches = [m for m in matches if self._rule_of[m[0]].id not in excluded]
        # one hit per rule and span: drop spans overlapping a longer/earlier one of the same rule
        matches.sort(key=lambda m: (m[0], m[1], m[1] - m[2]))
        hits: list[RuleHit] = []
        last_key, last_end = None, -1
        for key, start, end in matches:
            if key == last_key and start < last_end:
                continue
            last_key, last_end = key, end
            rule = self._rule_of[key]
            char_start = doc[start].idx
            char_end = doc[end - 1].idx + len(doc[end - 1])
            if offsets is not None:
                char_start, char_end = offsets[char_start], offsets[char_end]
            hits.append(
                RuleHit(rule.id, rule.category, rule.severity, rule.weight, char_start, char_end)
            )
        hits.sort(key=lambda h: (h.start, h.end, h.rule_id))
        return hits


def score(hits: Iterable[RuleHit]) -> float:
    """1 - prod(1 - weight) over the distinct rules that fired (a repeated word counts once)."""
    weights: dict[str, float] = {}
    for hit in hits:
        weights[hit.rule_id] = max(hit.weight, weights.get(hit.rule_id, 0.0))
    remaining = 1.0
    for weight in weights.values():
        remaining *= 1.0 - weight
    return min(1.0, max(0.0, 1.0 - remaining))


def severity_of(hits: Iterable[RuleHit]) -> str | None:
    """Highest severity among `hits` ("low" | "medium" | "high"), None when there are none."""
    return max((h.severity for h in hits), key=SEVERITY_RANK.__getitem__, default=None)


def category_scores(hits: Iterable[RuleHit]) -> dict[str, float]:
    """`score` per category of the hits."""
    by_category: dict[str, list[RuleHit]] = {}
    for hit in hits:
        by_category.setdefault(hit.category, []).append(hit)
    return {category: score(group) for category, group in sorted(by_category.items())}
