"""The shape of a misconduct rule, and the text normal form rules and messages are matched in.

Rules and messages are both *folded* before matching: lowercased, stripped of accents, and
typographic apostrophes made "'", with a one-character-to-one-character mapping, so that
offsets found in the folded text are offsets in the original text ("Você" -> "voce", "AÇÃO" ->
"acao"). Combining marks written as separate characters (NFD text) are the only characters
dropped; `fold_with_offsets` returns the map back.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# libyaml's safe loader when PyYAML was built with it (~8x faster), else the pure-Python one
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CATEGORIES = (
    "bribery",
    "threat",
    "harassment",
    "off_channel",
    "judicial_corruption",
    "discrimination",
    "confidentiality_breach",
)
LANGUAGES = ("pt-BR", "en", "es")
SEVERITY_WEIGHTS = {"low": 0.3, "medium": 0.6, "high": 1.0}
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}


class RuleFileError(ValueError):
    """A rule file that cannot be used; the message names the file, the rule and what to fix."""

    def __init__(self, file: str | Path, rule_id: str | None, problem: str):
        self.file = str(file)
        self.rule_id = rule_id
        self.problem = problem
        where = f"{self.file}: rule {rule_id}" if rule_id else self.file
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Near:
    """Order-free proximity: one word of each set within `window` tokens of each other."""

    window: int
    sets: tuple[frozenset[str], ...]


@dataclass(frozen=True, eq=False)
class Rule:
    """One rule of a category file. Phrases and exclusions are stored folded."""

    id: str
    category: str
    language: str
    description: str
    severity: str
    phrases: tuple[str, ...] = ()
    patterns: tuple[list[dict[str, Any]], ...] = ()
    exclusions: tuple[str, ...] = ()
    exclusion_patterns: tuple[list[dict[str, Any]], ...] = ()
    near: tuple[Near, ...] = ()
    also: tuple[str, ...] = ()  # further categories a hit of this rule counts for
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    source: str = field(default="")

    @property
    def weight(self) -> float:
        return SEVERITY_WEIGHTS[self.severity]


_APOSTROPHES = "\u2019\u2018\u00b4\u0060\u02bc"  # typographic apostrophes -> "'"


class _FoldTable(dict):
    """str.translate table: code point -> lowercase unaccented single character (filled lazily)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _APOSTROPHES:
            folded = "'"
        elif unicodedata.combining(char):
            folded = ""
        else:
            lower = char.lower()
            if len(lower) != 1:  # e.g. "İ" lowercases to two characters: keep 1:1
                lower = char
            decomposed = unicodedata.normalize("NFD", lower)
            base = decomposed[0]
            marks = decomposed[1:]
            folded = base if marks and all(unicodedata.combining(m) for m in marks) else lower
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lowercase and strip accents; same length as `text` unless it holds combining marks."""
    return text.translate(_FOLD)


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Fold `text` and return the offset map (None when offsets are unchanged).

    With a map `m`, a folded span [s, e) is the original span [m[s], m[e]); `m` has one entry
    per folded character plus one for the end, so trailing combining marks stay in the span.
    """
    folded = text.translate(_FOLD)
    if len(folded) == len(text):
        return folded, None
    offsets = [i for i, char in enumerate(text) if not unicodedata.combining(char)]
    offsets.append(len(text))
    return folded, offsets
