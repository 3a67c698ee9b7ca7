"""Load and validate the misconduct rule files (`<category>.<language>.yaml`).

Every problem raises `RuleFileError` naming the file, the rule and what to fix; a rule set that
loads is guaranteed to compile in the scorer. The format is described in `models/rules/README.md`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.matcher import Matcher
from spacy.vocab import Vocab

from models.rules.schema import CATEGORIES, LANGUAGES, SEVERITY_WEIGHTS, Rule, RuleFileError, fold

RULES_DIR = Path(__file__).resolve().parent
ABBREVIATIONS_STEM = "abbreviations"

# "definitions" holds YAML anchors (word lists, gap tokens) reused by the rules; not read otherwise
_FILE_KEYS = {"category", "language", "description", "definitions", "exclusions", "rules"}
_RULE_KEYS = {
    "id",
    "description",
    "severity",
    "phrases",
    "patterns",
    "exclusions",
    "exclusion_patterns",
    "examples",
}
_EXAMPLE_KEYS = {"match", "no_match"}
# token attributes whose string values are folded like the text they are compared with
_FOLDED_ATTRS = {"ORTH", "TEXT", "LOWER", "NORM", "LEMMA"}
_FOLDED_OPS = {"IN", "NOT_IN", "FUZZY", "FUZZY1", "FUZZY2", "FUZZY3", "FUZZY4", "FUZZY5"}


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise RuleFileError(path, None, "is not UTF-8 text: save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise RuleFileError(path, None, f"is not valid YAML{line}: fix the syntax") from exc


def _string_list(value: Any, path: Path, rule_id: str | None, key: str) -> tuple[str, ...]:
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


def _phrases(value: Any, path: Path, rule_id: str | None, key: str, vocab_nlp) -> tuple[str, ...]:
    phrases = []
    for i, phrase in enumerate(_string_list(value, path, rule_id, key)):
        folded = " ".join(fold(phrase).split())
        if not any(not t.is_punct for t in vocab_nlp.make_doc(folded)):
            raise RuleFileError(path, rule_id, f"'{key}[{i}]' has no words: write a word phrase")
        phrases.append(folded)
    return tuple(dict.fromkeys(phrases))


def _fold_value(attr: str, value: Any) -> Any:
    if attr not in _FOLDED_ATTRS:
        return value
    if isinstance(value, str):
        return fold(value)
    if isinstance(value, dict):
        out = {}
        for op, arg in value.items():
            if op in _FOLDED_OPS and isinstance(arg, list):
                out[op] = [fold(a) if isinstance(a, str) else a for a in arg]
            elif op in _FOLDED_OPS and isinstance(arg, str):
                out[op] = fold(arg)
            else:
                out[op] = arg
        return out
    return value


def _patterns(
    value: Any, path: Path, rule_id: str, key: str, vocab: Vocab
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
        folded = [{attr: _fold_value(attr, v) for attr, v in token.items()} for token in pattern]
        try:
            Matcher(vocab, validate=True).add("check", [folded])
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


def _rule(
    raw: Any,
    index: int,
    path: Path,
    category: str,
    language: str,
    file_exclusions: tuple[str, ...],
    nlp,
) -> Rule:
    if not isinstance(raw, dict):
        raise RuleFileError(path, f"rules[{index}]", "must be a mapping with id, severity, ...")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise RuleFileError(path, f"rules[{index}]", "has no 'id': add a unique id string")
    if not rule_id.startswith(f"{category}."):
        raise RuleFileError(path, rule_id, f"id must start with '{category}.' (the file category)")
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise RuleFileError(
            path, rule_id, f"unknown key(s) {unknown}: use only {sorted(_RULE_KEYS)}"
        )
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise RuleFileError(path, rule_id, "has no 'description': say what the rule catches")
    severity = raw.get("severity")
    if severity not in SEVERITY_WEIGHTS:
        raise RuleFileError(
            path, rule_id, f"severity must be one of {list(SEVERITY_WEIGHTS)}, got {severity!r}"
        )
    phrases = _phrases(raw.get("phrases"), path, rule_id, "phrases", nlp)
    patterns = _patterns(raw.get("patterns"), path, rule_id, "patterns", nlp.vocab)
    if not phrases and not patterns:
        raise RuleFileError(path, rule_id, "needs at least one entry in 'phrases' or 'patterns'")
    exclusions = _phrases(raw.get("exclusions"), path, rule_id, "exclusions", nlp)
    exclusion_patterns = _patterns(
        raw.get("exclusion_patterns"), path, rule_id, "exclusion_patterns", nlp.vocab
    )
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - _EXAMPLE_KEYS:
        raise RuleFileError(path, rule_id, "'examples' must be a mapping with match / no_match")
    return Rule(
        id=rule_id,
        category=category,
        language=language,
        description=description.strip(),
        severity=severity,
        phrases=phrases,
        patterns=patterns,
        exclusions=tuple(dict.fromkeys(file_exclusions + exclusions)),
        exclusion_patterns=exclusion_patterns,
        examples_match=_string_list(examples.get("match"), path, rule_id, "examples.match"),
        examples_no_match=_string_list(
            examples.get("no_match"), path, rule_id, "examples.no_match"
        ),
        source=path.name,
    )


def load_rule_file(path: Path, nlp=None) -> list[Rule]:
    """Load one `<category>.<language>.yaml` file."""
    nlp = nlp or spacy.blank("pt")
    parts = path.name.split(".")
    if len(parts) != 3 or parts[2] != "yaml":
        raise RuleFileError(path, None, "name must be <category>.<language>.yaml")
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise RuleFileError(path, None, "must be a mapping with category, language and rules")
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise RuleFileError(path, None, f"unknown key(s) {unknown}: use only {sorted(_FILE_KEYS)}")
    category, language = data.get("category"), data.get("language")
    if category not in CATEGORIES:
        raise RuleFileError(path, None, f"category must be one of {list(CATEGORIES)}")
    if language not in LANGUAGES:
        raise RuleFileError(path, None, f"language must be one of {list(LANGUAGES)}")
    if (parts[0], parts[1]) != (category, language):
        raise RuleFileError(
            path, None, f"file name must match its content: {category}.{language}.yaml"
        )
    file_exclusions = _phrases(data.get("exclusions"), path, None, "exclusions", nlp)
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleFileError(path, None, "'rules' must be a non-empty list")
    return [
        _rule(raw, i, path, category, language, file_exclusions, nlp)
        for i, raw in enumerate(raw_rules)
    ]


def rule_files(directory: Path | None = None) -> list[Path]:
    directory = Path(directory) if directory is not None else RULES_DIR
    return sorted(
        p for p in directory.glob("*.yaml") if not p.name.startswith(f"{ABBREVIATIONS_STEM}.")
    )


def load_rules(directory: Path | None = None, languages: Iterable[str] | None = None) -> list[Rule]:
    """Load every rule file of `directory` (default: this package), checking ids are unique."""
    nlp = spacy.blank("pt")
    wanted = set(languages) if languages is not None else None
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in rule_files(directory):
        for rule in load_rule_file(path, nlp):
            if rule.id in seen:
                raise RuleFileError(
                    path,
                    rule.id,
                    f"duplicate id, already defined in {seen[rule.id]}: ids must be unique "
                    "across all rule files",
                )
            seen[rule.id] = path.name
            if wanted is None or rule.language in wanted:
                rules.append(rule)
    return rules


def load_abbreviations(directory: Path | None = None) -> dict[str, str]:
    """Merge `abbreviations.<language>.yaml` files: folded short form -> folded full word."""
    directory = Path(directory) if directory is not None else RULES_DIR
    table: dict[str, str] = {}
    for path in sorted(directory.glob(f"{ABBREVIATIONS_STEM}.*.yaml")):
        data = _read_yaml(path)
        entries = data.get("abbreviations") if isinstance(data, dict) else None
        if not isinstance(entries, dict):
            raise RuleFileError(path, None, "must hold an 'abbreviations' mapping short: full")
        for short, full in entries.items():
            if not isinstance(short, str) or not isinstance(full, str):
                raise RuleFileError(path, None, f"entry {short!r}: both sides must be strings")
            short_f, full_f = fold(short).strip(), fold(full).strip()
            if not short_f or not full_f or " " in short_f or " " in full_f:
                raise RuleFileError(
                    path, None, f"entry {short!r}: use one word on each side (no spaces)"
                )
            if table.get(short_f, full_f) != full_f:
                raise RuleFileError(path, None, f"entry {short!r}: conflicts with another file")
            table[short_f] = full_f
    return table
