"""The one PII analyzer used by the pipeline and the dashboards.

`build_analyzer(known_names)` loads models/recognizers/registry.yaml, instantiates the enabled
recognizers and returns an `Analyzer`. `known_names` is either names from the directory, or a
mapping name -> canonical identifier of that person (e.g. "tel:+5511912345678"), which
`person_id` hands to redaction so a name in text gets the same pseudonym as the person's phone.

Overlapping spans are merged by registry `priority` (higher wins; default 0), then score, then
length, after a span strictly inside a longer one of the same entity is dropped (see
models.span_merging). `analyze_many` lets each recognizer see the whole batch (its
`analyze_many` if it has one, else `Recognizer.find_many`), so a spaCy model can run `nlp.pipe`
over it. A recognizer with SCREEN_COVERED (the NER model) decides whether a text is worth
running on from the text with the spans of higher-priority recognizers blanked out: a text whose
only name-like words are inside a directory name, an address or an OAB number skips the model.

Repeated messages ("ok", "bom dia") are analysed once: within a batch each distinct text runs
once, and the results of short texts are kept in an LRU cache across batches. `cache_size=0`
turns both off (every message analysed on its own, as an engine without a cache does).
"""

from __future__ import annotations

import gc
import importlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from models.recognizers.base import PiiSpan, Recognizer
from models.span_merging import merge_spans, screen
from pipelines.privacy.pseudonyms import fold_name

__all__ = [
    "ENTITIES",
    "Analyzer",
    "PiiSpan",
    "RegistryError",
    "Slot",
    "build_analyzer",
    "load_labels",
    "load_registry",
]

REGISTRY_PATH = Path(__file__).parent / "recognizers" / "registry.yaml"
ENTITIES = frozenset(
    {
        "PERSON", "LOCATION", "ORGANIZATION", "PHONE", "EMAIL", "CPF", "CNPJ", "RG", "OAB",
        "CNJ_PROCESS", "CEP", "PIX_KEY", "BANK_ACCOUNT", "CREDIT_CARD", "DATE_OF_BIRTH", "ADDRESS",
    }
)  # fmt: skip
_FIELDS = ("name", "class", "enabled")
CACHE_SIZE = 50_000  # distinct short texts whose spans are kept across batches
CACHE_MAX_CHARS = 200  # longer texts are rarely repeated: not cached


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
    labels = data.get("labels", {})
    if not isinstance(labels, dict) or not set(labels) <= ENTITIES:
        raise RegistryError(path, "labels", f"expected a mapping from {sorted(ENTITIES)}")
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        where = str(entry.get("name", f"#{i}")) if isinstance(entry, dict) else f"#{i}"
        if not isinstance(entry, dict):
            raise RegistryError(path, where, "each entry must be a mapping")
        missing = [f for f in _FIELDS if f not in entry]
        if "entity" not in entry and "entities" not in entry:
            missing.append("entity (or entities)")
        if missing:
            raise RegistryError(path, where, f"missing field(s): {', '.join(missing)}")
        if not set(_entry_entities(entry)) <= ENTITIES or not _entry_entities(entry):
            raise RegistryError(path, where, f"entity must be one of {sorted(ENTITIES)}")
        if not isinstance(entry["enabled"], bool):
            raise RegistryError(path, where, "enabled must be true or false")
        if not isinstance(entry.get("priority", 0), int):
            raise RegistryError(path, where, "priority must be an integer")
        if not isinstance(entry.get("options", {}), dict):
            raise RegistryError(path, where, "options must be a mapping (constructor arguments)")
        if where in seen:
            raise RegistryError(path, where, "duplicate name")
        seen.add(where)
    return entries


def load_labels(path: Path = REGISTRY_PATH) -> dict[str, str]:
    """Placeholder label per entity: the registry's `labels:` map, then each entry's `label`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    labels = {str(k): str(v) for k, v in (data.get("labels") or {}).items()}
    for entry in load_registry(path):
        if "label" in entry:
            for entity in _entry_entities(entry):
                labels[entity] = str(entry["label"])
    return labels


def _entry_entities(entry: dict) -> list[str]:
    value = entry.get("entities", entry.get("entity"))
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _recognizer_class(path: Path, entry: dict) -> type[Recognizer]:
    module_name, _, class_name = str(entry["class"]).rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError):
        raise RegistryError(path, entry["name"], "class cannot be imported") from None
    if not (isinstance(cls, type) and issubclass(cls, Recognizer)):
        raise RegistryError(path, entry["name"], "class is not a Recognizer")
    wanted = _entry_entities(entry)
    if not set(wanted) <= set(cls.entities()):
        raise RegistryError(
            path,
            entry["name"],
            f"class reports {', '.join(cls.entities())}, not {', '.join(wanted)}",
        )
    return cls


@dataclass(frozen=True)
class Slot:
    """A recognizer as the registry configures it: its priority and the entities it may report."""

    recognizer: Recognizer
    priority: int = 0
    entities: frozenset[str] | None = None  # None: whatever it reports

    def keep(self, spans: list[PiiSpan]) -> list[PiiSpan]:
        if self.entities is None:
            return spans
        return [s for s in spans if s.entity in self.entities]


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: analysing a batch allocates many short-lived,
    acyclic objects, and each collection would walk every object of the loaded models."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Analyzer:
    """Runs every enabled recognizer and merges their spans (priority, score, then length)."""

    def __init__(
        self,
        recognizers: Iterable[Recognizer | Slot],
        labels: Mapping[str, str],
        known_people: Mapping[str, str] | None = None,
        cache_size: int = CACHE_SIZE,
    ):
        self.slots = [r if isinstance(r, Slot) else Slot(r) for r in recognizers]
        self.recognizers = [slot.recognizer for slot in self.slots]
        self.labels = dict(labels)
        self._people = dict(known_people or {})  # folded name -> canonical identifier
        self.cache_size = cache_size
        self._cache: OrderedDict[str, list[PiiSpan]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Analyzer(recognizers={self.recognizers!r}, known_people={len(self._people)})"

    def analyze(self, text: str) -> list[PiiSpan]:
        """Non-overlapping PII spans in `text`, sorted by start."""
        return self.analyze_many([text])[0] if text else []

    def analyze_many(self, texts: Iterable[str]) -> list[list[PiiSpan]]:
        """`analyze` for each text, recognizer by recognizer over the batch (see the module doc
        for what is analysed once and cached)."""
        texts = list(texts)
        if not self.cache_size:
            with paused_gc():
                return self._analyze_batch(texts)
        index: dict[str, int] = {}
        for text in texts:
            index.setdefault(text, len(index))
        distinct = list(index)
        with self._cache_lock:
            cached = [self._cache.get(text) for text in distinct]
        todo = [text for text, spans in zip(distinct, cached, strict=True) if spans is None]
        with paused_gc():
            found = dict(zip(todo, self._analyze_batch(todo), strict=True))
        results = [
            spans if spans is not None else found[text]
            for text, spans in zip(distinct, cached, strict=True)
        ]
        self._remember(distinct, cached, found)
        return [results[index[text]] for text in texts]

    def _analyze_batch(self, texts: list[str]) -> list[list[PiiSpan]]:
        tagged: list[list[tuple[int, PiiSpan]]] = [[] for _ in texts]
        for slot in self.slots:
            recognizer = slot.recognizer
            if getattr(recognizer, "SCREEN_COVERED", False):
                screens = [
                    screen(text, found, slot.priority)
                    for text, found in zip(texts, tagged, strict=True)
                ]
                batch = recognizer.analyze_many(texts, screens=screens)
            else:
                # a recognizer's own batch method (`analyze_many`, e.g. spaCy's nlp.pipe)
                batch = getattr(recognizer, "analyze_many", recognizer.find_many)(texts)
            for i, spans in enumerate(batch):
                if spans:
                    tagged[i].extend((slot.priority, s) for s in slot.keep(spans))
        return [merge_spans(t) if len(t) > 1 else [span for _, span in t] for t in tagged]

    def _remember(self, distinct: list[str], cached: list, found: dict) -> None:
        cache = self._cache
        with self._cache_lock:
            for text, spans in zip(distinct, cached, strict=True):
                if spans is not None and text in cache:
                    cache.move_to_end(text)
                elif spans is None and len(text) <= CACHE_MAX_CHARS:
                    cache[text] = found[text]
            while len(cache) > self.cache_size:
                cache.popitem(last=False)

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
    cache_size: int = CACHE_SIZE,
) -> Analyzer:
    """Analyzer with the registry's enabled recognizers; names feed the directory recognizer.
    `cache_size=0`: no reuse of results for repeated texts (see the module docstring)."""
    names, people = _people(known_names)
    slots = []
    entries = load_registry(registry)
    for entry in entries:
        if not entry["enabled"]:
            continue
        cls = _recognizer_class(registry, entry)
        options = dict(entry.get("options") or {})
        try:
            if getattr(cls, "USES_KNOWN_NAMES", False):
                if not names:
                    continue  # nothing to look for: skip loading spaCy
                recognizer = cls(names, **options)
            else:
                recognizer = cls(**options)
        except (TypeError, ValueError, OSError) as exc:
            raise RegistryError(
                registry, entry["name"], f"cannot be built with its options ({type(exc).__name__})"
            ) from None
        wanted = frozenset(_entry_entities(entry))
        slots.append(
            Slot(
                recognizer,
                int(entry.get("priority", 0)),
                None if wanted >= set(cls.entities()) else wanted,
            )
        )
    return Analyzer(slots, load_labels(registry), people, cache_size)
