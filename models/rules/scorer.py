"""Match misconduct rules against message text with spaCy's Matcher and PhraseMatcher.

Only spaCy's Portuguese tokenizer runs (no model; it splits en and es chat text the same way):
texts are put in match form (`entity_tokens.match_form`: folded, placeholders and amounts as
single tokens such as "<pessoa>" and "<valor>"), tokenized, and matched on the token NORM
attribute. NORMs come from `norms.NormTable`: the folded word, except WhatsApp abbreviations
("vc" -> "voce") and typos of the words rules mark FUZZY ("propna" -> "propina"), both computed
once per distinct word. Rules of every language run on every message (chats mix languages).
Hits come back with offsets in the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.attrs import LOWER, NORM, ORTH
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc

from models.rules.entity_tokens import AMOUNT, PERCENT, match_form
from models.rules.gates import GateIndex, commonness
from models.rules.loader import load_abbreviations, load_rules
from models.rules.norms import NormTable, fuzzy_edits
from models.rules.proximity import NearMatcher
from models.rules.schema import SEVERITY_RANK, Rule


@dataclass(frozen=True)
class RuleHit:
    rule_id: str
    category: str
    severity: str
    weight: float
    start: int  # character offsets in the original text
    end: int


_EXCLUDE = "!"  # match-key prefix of a rule's exclusions
_WORD_ATTRS = ("NORM", "LOWER", "ORTH", "TEXT")
_REQUIRED_OP = re.compile(r"^\+$|^\{[1-9]\d*(,\d*)?\}$")
_ENTITY_TOKEN = re.compile(r"^<[a-z_]+>$")


def _required_words(pattern: list[dict[str, Any]]) -> list[frozenset[str]]:
    """Word sets a text must each intersect for `pattern` to match (empty: cannot tell).

    One set per required token constrained to a word or word list, rarest first (see
    `gates.commonness`), so that most texts are ruled out by the first set lookup.
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
                candidates.append((commonness(words), frozenset(words)))
    return [words for _, words in sorted(candidates, key=lambda c: c[0])]


def _words_of(rules: Sequence[Rule]) -> tuple[set[str], dict[str, int]]:
    """(every word the rules use, the FUZZY words with their edit distance)."""
    words: set[str] = set()
    fuzzy: dict[str, int] = {}

    def visit(value: Any, op: str | None = None) -> None:
        if isinstance(value, str):
            words.update(value.split())
            if op is not None and op.startswith("FUZZY"):
                fuzzy[value] = max(fuzzy.get(value, 0), fuzzy_edits(value, op))
        elif isinstance(value, list):
            for item in value:
                visit(item, op)
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(item, key if key.startswith("FUZZY") else op)

    for rule in rules:
        for text in rule.phrases + rule.exclusions:
            words.update(text.split())
        for pattern in rule.patterns + rule.exclusion_patterns:
            for token in pattern:
                for attr in _WORD_ATTRS:
                    visit(token.get(attr))
        for near in rule.near:
            for group in near.sets:
                words.update(group)
    return words, fuzzy


def _norm_value(value: Any, table: NormTable) -> Any:
    """A NORM constraint with its words as NormTable NORMs and FUZZY as plain word matches."""
    if isinstance(value, str):
        return table.word(value)
    if isinstance(value, list):
        return [table.word(v) if isinstance(v, str) else v for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for op, arg in value.items():
        if op.startswith("FUZZY"):  # typos of the word share its NORM (see norms.NormTable)
            inner = arg.get("IN", []) if isinstance(arg, dict) else [arg]
            out.setdefault("IN", []).extend(table.word(w) for w in inner)
        else:
            out[op] = _norm_value(arg, table)
    return out["IN"][0] if set(out) == {"IN"} and len(out["IN"]) == 1 else out


class RuleScorer:
    """Compiled rule set; build once, then call `hits` / `hits_many` (not thread-safe)."""

    def __init__(self, rules: Sequence[Rule], abbreviations: Mapping[str, str] | None = None):
        self.rules = tuple(rules)
        self.nlp = spacy.blank("pt")
        vocab = self.nlp.vocab
        known, fuzzy = _words_of(self.rules)
        self.norms = NormTable(abbreviations, fuzzy, known)
        self.norms.install(vocab)
        self._special: set[str] = set()
        self._add_entity_tokens({AMOUNT, PERCENT} | {w for w in known if _ENTITY_TOKEN.match(w)})
        self._phrases = PhraseMatcher(vocab, attr="NORM")
        self._excl_phrases = PhraseMatcher(vocab, attr="NORM")
        self._excl_patterns = Matcher(vocab)
        self._rule_of: dict[int, Rule] = {}
        # token patterns: one Matcher per rule, run only on texts that hold the words its patterns
        # require (Matcher predicates such as IN are Python calls per token: gating saves ~5x)
        self._gated: list[tuple[list[list[frozenset[int]]], Matcher]] = []
        self._gates = GateIndex()
        self._near = NearMatcher(vocab.strings)
        self._excluded_rule_of: dict[int, str] = {}
        for rule in self.rules:
            key = vocab.strings.add(rule.id)
            self._rule_of[key] = rule
            if rule.phrases:
                self._phrases.add(rule.id, [self._phrase_doc(p) for p in rule.phrases])
            if rule.patterns:
                self._add_gated_patterns(rule, vocab.strings)
            for near in rule.near:
                sets = [frozenset(self.norms.word(w) for w in group) for group in near.sets]
                self._near.add(key, near.window, sets)
            excl_key = _EXCLUDE + rule.id
            self._excluded_rule_of[vocab.strings.add(excl_key)] = rule.id
            if rule.exclusions:
                self._excl_phrases.add(excl_key, [self._phrase_doc(p) for p in rule.exclusions])
            if rule.exclusion_patterns:
                self._excl_patterns.add(excl_key, [self._norm(p) for p in rule.exclusion_patterns])
        # spaCy warns when an empty matcher is called: keep only the matchers that hold patterns
        self._excl_matchers = [m for m in (self._excl_phrases, self._excl_patterns) if len(m)]

    def _norm(self, pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {attr: _norm_value(v, self.norms) if attr == "NORM" else v for attr, v in t.items()}
            for t in pattern
        ]

    def _phrase_doc(self, phrase: str) -> Doc:
        form, _, labels = match_form(phrase)
        self._add_entity_tokens(labels)
        return self.nlp.make_doc(form)

    def _add_entity_tokens(self, tokens: Iterable[str]) -> None:
        """Keep "<pessoa>", "<valor>", ... one token each, whatever touches them."""
        for token in set(tokens) - self._special:
            self.nlp.tokenizer.add_special_case(token, [{ORTH: token, NORM: token}])
            self._special.add(token)

    def _add_gated_patterns(self, rule: Rule, strings: StringStore) -> None:
        patterns = [self._norm(p) for p in rule.patterns]
        matcher = Matcher(self.nlp.vocab)
        matcher.add(rule.id, patterns, greedy="LONGEST")
        required = [
            [frozenset(strings.add(word) for word in words) for words in _required_words(p)]
            for p in patterns
        ]
        # gate: the union of each pattern's rarest set (None: a pattern without one, always run)
        gate = None if [] in required else frozenset().union(*(r[0] for r in required))
        self._gates.add(len(self._gated), gate)
        self._gated.append((required, matcher))

    @classmethod
    def from_directory(
        cls, directory: Path | None = None, languages: Iterable[str] | None = None
    ) -> RuleScorer:
        """Load and compile the rule files (and abbreviation tables) of `directory`."""
        return cls(load_rules(directory, languages), load_abbreviations(directory))

    def hits(self, text: str) -> list[RuleHit]:
        return self.hits_many([text])[0]

    def hits_many(self, texts: Iterable[str], batch_size: int = 1000) -> list[list[RuleHit]]:
        forms = [match_form(t) for t in texts]
        labels = set().union(*(f[2] for f in forms)) if forms else set()
        if labels - self._special:
            self._add_entity_tokens(labels)
        docs = self.nlp.pipe((f for f, _, _ in forms), batch_size=batch_size)
        return [
            self._doc_hits(doc, offsets) for doc, (_, offsets, _) in zip(docs, forms, strict=True)
        ]

    def _doc_hits(self, doc: Doc, offsets: list[int] | None) -> list[RuleHit]:
        matches = self._phrases(doc) if len(self._phrases) else []
        array = doc.to_array([ORTH, LOWER, NORM])
        words = set(array.ravel().tolist())
        for entry in self._gates.candidates(words):
            required, matcher = self._gated[entry]
            if any(all(not words.isdisjoint(s) for s in r) for r in required):
                matches.extend(matcher(doc))
        matches.extend(self._near(words, array[:, 2]))
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
            for category in (rule.category, *rule.also):
                hits.append(
                    RuleHit(rule.id, category, rule.severity, rule.weight, char_start, char_end)
                )
        hits.sort(key=lambda h: (h.start, h.end, h.rule_id, h.category))
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
