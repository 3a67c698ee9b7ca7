"""The one PII analyzer used by the pipeline and the dashboards.

`build_analyzer(known_names)` loads models/recognizers/registry.yaml, instantiates the enabled
recognizers and returns an `Analyzer`. `known_names` is either names from the directory, or a
mapping name -> canonical identifier of that person (e.g. "tel:+5511912345678"), which
`person_id` hands to redaction so a name in text gets the same pseudonym as the person's phone.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from models.recognizers.base import PiiSpan, Recognizer, resolve_overlaps
from pipelines.privacy.pseudonyms import fold_name

__all__ = ["Analyzer", "PiiSpan", "RegistryError", "build_analyzer", "load_registry"]

REGISTRY_PATH = Path(__file__).parent / "recognizers" / "registry.yaml"
ENTITIES = frozenset({"CPF", "EMAIL", "PHONE", "PERSON"})
_FIELDS = ("name", "class", "entity", "label", "enabled")


class RegistryError(Exception):
    def __init__(self, file: Path, entry: str, problem: str):
        super().__init__(f"{file}: recognizer {entry}: {problem}")
        self.file, self.entry, self.problem = file, entry, problem


def load_registry(path: Path = REGISTRY_PATH) -> list[dict]:
    """Registry entries, validated: each has name, class, entity, label, enabled."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RegistryError(path, "-", f"cannot read the registry ({type(exc).__name__})") from None
    entries = data.get("recognizers") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RegistryError(path, "-", "expected a top-level 'recognizers:' list")
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        where = str(entry.get("name", f"#{i}")) if isinstance(entry, dict) else f"#{i}"
        if not isinstance(entry, dict):
            raise RegistryError(path, where, "each entry must be a mapping")
        missing = [f for f in _FIELDS if f not in entry]
        if missing:
            raise RegistryError(path, where, f"missing field(s): {', '.join(missing)}")
        if entry["entity"] not in ENTITIES:
            raise RegistryError(path, where, f"entity must be one of {sorted(ENTITIES)}")
        if not isinstance(entry["enabled"], bool):
            raise RegistryError(path, where, "enabled must be true or false")
        if where in seen:
            raise RegistryError(path, where, "duplicate name")
        seen.add(where)
    return entries


def _recognizer_class(path: Path, entry: dict) -> type[Recognizer]:
    module_name, _, class_name = str(entry["class"]).rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError):
        raise RegistryError(path, entry["name"], "class cannot be imported") from None
    if not (isinstance(cls, type) and issubclass(cls, Recognizer)):
        raise RegistryError(path, entry["name"], "class is not a Recognizer")
    if entry["entity"] != cls.ENTITY:
        raise RegistryError(
            path, entry["name"], f"class reports {cls.ENTITY}, not {entry['entity']}"
        )
    return cls


class Analyzer:
    """Runs every enabled recognizer and merges their spans (score, then length, wins)."""

    def __init__(
        self,
        recognizers: Iterable[Recognizer],
        labels: Mapping[str, str],
        known_people: Mapping[str, str] | None = None,
    ):
        self.recognizers = list(recognizers)
        self.labels = dict(labels)
        self._people = dict(known_people or {})  # folded name -> canonical identifier

    def __repr__(self) -> str:
        return f"Analyzer(recognizers={self.recognizers!r}, known_people={len(self._people)})"

    def analyze(self, text: str) -> list[PiiSpan]:
        """Non-overlapping PII spans in `text`, sorted by start."""
        if not text:
            return []
        spans: list[PiiSpan] = []
        for recognizer in self.recognizers:
            if recognizer.prefilter(text):
                spans.extend(recognizer.find(text))
        if len(spans) < 2:
            return spans
        return resolve_overlaps(spans)

    def analyze_many(self, texts: Iterable[str]) -> list[list[PiiSpan]]:
        """`analyze` for each text; repeated texts (common in chat) are analyzed once."""
        seen: dict[str, list[PiiSpan]] = {}
        out = []
        for text in texts:
            spans = seen.get(text)
            if spans is None:
                spans = self.analyze(text)
                if len(text) <= 200:
                    seen[text] = spans
            out.append(spans)
        return out

    def label(self, entity: str) -> str:
        """Placeholder label for an entity ("PHONE" -> "TELEFONE")."""
        return self.labels.get(entity, entity)

    def person_id(self, name: str) -> str | None:
        """Canonical identifier of a known person by (folded) name, when the analyzer knows one."""
        return self._people.get(fold_name(name))


def _people(known_names: Mapping[str, str] | Iterable[str]) -> tuple[list[str], dict[str, str]]:
    if isinstance(known_names, str):
        raise TypeError("known_names must be a collection of names, not one string")
    if not isinstance(known_names, Mapping):
        names = [n for n in known_names if n and n.strip()]
        return names, {}
    names, people, ambiguous = [], {}, set()
    for name, identifier in known_names.items():
        if not name or not name.strip():
            continue
        names.append(name)
        key = fold_name(name)
        if key in people and people[key] != identifier:
            ambiguous.add(key)  # two people with one name: fall back to the name pseudonym
        people[key] = identifier
    for key in ambiguous:
        del people[key]
    return names, people


def build_analyzer(
    known_names: Mapping[str, str] | Iterable[str] = (),
    registry: Path = REGISTRY_PATH,
) -> Analyzer:
    """Analyzer with the registry's enabled recognizers; names feed the directory recognizer."""
    names, people = _people(known_names)
    recognizers, labels = [], {}
    for entry in load_registry(registry):
        labels[entry["entity"]] = str(entry["label"])
        if not entry["enabled"]:
            continue
        cls = _recognizer_class(registry, entry)
        if getattr(cls, "USES_KNOWN_NAMES", False):
            if not names:
                continue  # nothing to look for: skip loading spaCy
            recognizers.append(cls(names))
        else:
            recognizers.append(cls())
    return Analyzer(recognizers, labels, people)
