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

from models.rules.norms import ABBREVIATIONS_STEM, load_abbreviations
from models.rules.patterns import parse_near, parse_patterns, string_list
from models.rules.schema import (
    CATEGORIES,
    LANGUAGES,
    SEVERITY_WEIGHTS,
    YAML_LOADER,
    Rule,
    RuleFileError,
    fold,
)

__all__ = ["RULES_DIR", "load_abbreviations", "load_rule_file", "load_rules", "rule_files"]

RULES_DIR = Path(__file__).resolve().parent
THRESHOLDS_NAME = "thresholds.yaml"  # label thresholds (thresholds.py), not a rule file

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
    "near",
    "also",
    "examples",
}
_EXAMPLE_KEYS = {"match", "no_match"}
# token attributes whose string values are folded like the text they are compared with


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except UnicodeDecodeError as exc:
        raise RuleFileError(path, None, "is not UTF-8 text: save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise RuleFileError(path, None, f"is not valid YAML{line}: fix the syntax") from exc


def _phrases(value: Any, path: Path, rule_id: str | None, key: str, vocab_nlp) -> tuple[str, ...]:
    phrases = []
    for i, phrase in enumerate(string_list(value, path, rule_id, key)):
        folded = " ".join(fold(phrase).split())
        if not any(not t.is_punct for t in vocab_nlp.make_doc(folded)):
            raise RuleFileError(path, rule_id, f"'{key}[{i}]' has no words: write a word phrase")
        phrases.append(folded)
    return tuple(dict.fromkeys(phrases))


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
    patterns = parse_patterns(raw.get("patterns"), path, rule_id, "patterns", nlp)
    near = parse_near(raw.get("near"), path, rule_id)
    also = string_list(raw.get("also"), path, rule_id, "also")
    if not set(also) <= set(CATEGORIES) or category in also:
        raise RuleFileError(
            path, rule_id, f"'also' must list other categories among {list(CATEGORIES)}"
        )
    if not phrases and not patterns and not near:
        raise RuleFileError(
            path, rule_id, "needs at least one entry in 'phrases', 'patterns' or 'near'"
        )
    exclusions = _phrases(raw.get("exclusions"), path, rule_id, "exclusions", nlp)
    exclusion_patterns = parse_patterns(
        raw.get("exclusion_patterns"), path, rule_id, "exclusion_patterns", nlp
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
        near=near,
        also=also,
        examples_match=string_list(examples.get("match"), path, rule_id, "examples.match"),
        examples_no_match=string_list(examples.get("no_match"), path, rule_id, "examples.no_match"),
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
        p
        for p in directory.glob("*.yaml")
        if not p.name.startswith(f"{ABBREVIATIONS_STEM}.") and p.name != THRESHOLDS_NAME
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
