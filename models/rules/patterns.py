"""Token patterns and `near` entries of a rule file: folded, checked, compiled once to validate.

Each check raises `RuleFileError` naming the file, the rule and the entry: patterns that spaCy's
Matcher refuses, YAML booleans where a word is expected (bare `no`, `on`), words the tokenizer
would split ("it's"), FUZZY beyond two edits, malformed `near` windows and word lists.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from spacy.matcher import Matcher

from models.rules.schema import Near, RuleFileError, fold

MAX_WINDOW = 30
_FOLDED_ATTRS = {"ORTH", "TEXT", "LOWER", "NORM", "LEMMA"}
_FOLDED_OPS = {"IN", "NOT_IN"}
_ENTITY_WORD = re.compile(r"^<[a-z_]+>$")  # "<valor>", "<pessoa>": one token in the scorer
_FUZZY_TOO_FAR = {"FUZZY3", "FUZZY4", "FUZZY5", "FUZZY6", "FUZZY7", "FUZZY8", "FUZZY9"}


def string_list(value: Any, path: Path, rule_id: str | None, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RuleFileError(path, rule_id, f"'{key}' must be a list of strings")
    items = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise RuleFileError(path, rule_id, f"'{key}[{i}]' must be a non-empty string")
        items.append(item)
    return tuple(items)


def _fold_value(attr: str, value: Any) -> Any:
    """Fold the words of a token attribute value: a string, a list, or {OP: value} (nested)."""
    if attr not in _FOLDED_ATTRS:
        return value
    if isinstance(value, str):
        return fold(value)
    if isinstance(value, list):
        return [fold(a) if isinstance(a, str) else a for a in value]
    if isinstance(value, dict):
        return {
            op: _fold_value(attr, arg) if op in _FOLDED_OPS or op.startswith("FUZZY") else arg
            for op, arg in value.items()
        }
    return value


def _words(pattern: list[dict[str, Any]]) -> list[Any]:
    """Every value compared with a word (ORTH/TEXT/LOWER/NORM/LEMMA, nested IN / FUZZY...)."""

    def walk(value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [w for v in value.values() for w in walk(v)]
        return value if isinstance(value, list) else [value]

    return [w for t in pattern for attr, v in t.items() if attr in _FOLDED_ATTRS for w in walk(v)]


def _split_word(words: list[Any], nlp) -> str | None:
    """The first word the tokenizer splits in two (it could never equal one token), if any."""
    for word in words:
        if not isinstance(word, str) or _ENTITY_WORD.match(word) or len(nlp.make_doc(word)) == 1:
            continue
        if [t.text for t in nlp.make_doc("x" + word)][-1:] != [word]:  # a suffix such as "'s"
            return word
    return None


def parse_patterns(
    value: Any, path: Path, rule_id: str, key: str, nlp
) -> tuple[list[dict[str, Any]], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RuleFileError(path, rule_id, f"'{key}' must be a list of token patterns")
    patterns = []
    for i, pattern in enumerate(value):
        if not isinstance(pattern, list) or not pattern:
            raise RuleFileError(
                path, rule_id, f"'{key}[{i}]' must be a non-empty list of token dicts"
            )
        if not all(isinstance(token, dict) for token in pattern):
            raise RuleFileError(path, rule_id, f"'{key}[{i}]' must contain only token dicts")
        words = _words(pattern)
        if any(isinstance(w, bool) for w in words):
            raise RuleFileError(
                path,
                rule_id,
                f"'{key}[{i}]' holds true/false where a word is expected: YAML reads bare "
                'yes/no/on/off as booleans, quote them ("on")',
            )
        folded = [{attr: _fold_value(attr, v) for attr, v in token.items()} for token in pattern]
        split = _split_word(_words(folded), nlp)
        if split is not None:
            parts = " + ".join(repr(t.text) for t in nlp.make_doc(split))
            raise RuleFileError(
                path,
                rule_id,
                f"'{key}[{i}]' word {split!r} is split by the tokenizer into {parts}: "
                "write one token per part",
            )
        too_far = [op for t in folded for v in t.values() if isinstance(v, dict) for op in v]
        if set(too_far) & _FUZZY_TOO_FAR:
            raise RuleFileError(
                path, rule_id, f"'{key}[{i}]' uses FUZZY3 or more: use FUZZY, FUZZY1 or FUZZY2"
            )
        try:
            Matcher(nlp.vocab, validate=True).add("check", [folded])
        except Exception as exc:  # spaCy raises MatchPatternError, ValueError or KeyError
            detail = " ".join(str(exc).split())[:300]
            raise RuleFileError(
                path,
                rule_id,
                f"'{key}[{i}]' does not compile as a spaCy Matcher pattern ({detail}): "
                "fix the token pattern",
            ) from exc
        patterns.append(folded)
    return tuple(patterns)


def parse_near(value: Any, path: Path, rule_id: str) -> tuple[Near, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RuleFileError(path, rule_id, "'near' must be a list of {window, words} mappings")
    out = []
    for i, entry in enumerate(value):
        where = f"'near[{i}]'"
        if not isinstance(entry, dict) or set(entry) != {"window", "words"}:
            raise RuleFileError(path, rule_id, f"{where} must be a mapping with window and words")
        window, words = entry["window"], entry["words"]
        if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= MAX_WINDOW:
            raise RuleFileError(
                path, rule_id, f"{where}.window must be an integer from 1 to {MAX_WINDOW} tokens"
            )
        if not isinstance(words, list) or len(words) < 2:
            raise RuleFileError(path, rule_id, f"{where}.words must list two or more word lists")
        sets = []
        for j, group in enumerate(words):
            items = string_list(group, path, rule_id, f"near[{i}].words[{j}]")
            if not items or any(" " in w.strip() for w in items):
                raise RuleFileError(
                    path, rule_id, f"{where}.words[{j}] must be a non-empty list of single words"
                )
            sets.append(frozenset(fold(w.strip()) for w in items))
        out.append(Near(window, tuple(sets)))
    return tuple(out)
