"""Names, places and organisations found by a spaCy NER pipeline.

By default the Portuguese model shipped in models/ner/model (trained by `vigia train-ner`);
$VIGIA_NER_MODEL or the `model` argument names any other installed pipeline or folder. Only
the `ner` component and what it listens to (tok2vec) run. Model labels map to ours: PERSON,
LOCATION, ORGANIZATION (PER/PESSOA, LOC/GPE/LOCAL, ORG/ORGANIZACAO as other models spell them).
`analyze_many` batches texts through `nlp.pipe`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

import spacy
import yaml
from spacy.language import Language

from models.recognizers.base import PiiSpan, Recognizer, fold_text, resolve_overlaps
from pipelines.privacy.pseudonyms import fold_name

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "ner" / "model"
MODEL_ENV = "VIGIA_NER_MODEL"
LABEL_MAP = {
    "PERSON": "PERSON", "PER": "PERSON", "PESSOA": "PERSON",
    "LOCATION": "LOCATION", "LOC": "LOCATION", "GPE": "LOCATION", "LOCAL": "LOCATION",
    "ORGANIZATION": "ORGANIZATION", "ORG": "ORGANIZATION", "ORGANIZACAO": "ORGANIZATION",
}  # fmt: skip


_WORD = re.compile(r"\w+")
# Capitalised words that are never a name, place or organisation by themselves: document,
# banking and form acronyms ("meu CPF é …", "DN: 01/02/1990", "Nº 123"). A text whose only
# capitals after its first character are these (or single letters: "R$", "-X") skips the model.
NOT_NAMES = frozenset(
    {
        "cpf", "cnpj", "rg", "cep", "oab", "cnj", "pix", "dn", "cnh", "ctps", "pis", "nis",
        "ssp", "ted", "doc", "cc", "ag", "nº", "ok", "obs", "pdf", "cvv",
    }
)  # fmt: skip
LEXICON = Path(__file__).resolve().parents[1] / "ner" / "chat_lexicon.yaml"


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Folded first names, surnames, nicknames and places that may be typed in lowercase.

    A one-word span in lowercase is kept only if it is one of these: chat is full of lowercase
    verbs and nouns the model can mistake for names, and redacting them hides the very words
    misconduct rules look for. Lowercase names of two words or more ("joão da silva") are kept.
    """
    from faker.providers.person.pt_BR import Provider

    lexicon = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    words = [*Provider.first_names, *Provider.last_names]
    for key in ("first_names_female", "first_names_male", "surnames", "nicknames", "cities"):
        words += lexicon.get(key, [])
    return frozenset(fold_name(w) for w in words if " " not in w)


class NerModelError(Exception):
    """The configured spaCy pipeline cannot be loaded or has no `ner` component."""


def model_name(model: str | Path | None = None) -> str:
    """Which pipeline to load: the argument, else $VIGIA_NER_MODEL, else the shipped model."""
    return str(model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL)


@lru_cache(maxsize=4)
def load_ner(name: str) -> Language:
    """The pipeline `name` (package or folder) with only `ner` and the components it listens to."""
    try:
        nlp = spacy.load(name)
    except (OSError, ValueError) as exc:
        raise NerModelError(
            f"spaCy NER model {name!r} cannot be loaded ({type(exc).__name__}); set {MODEL_ENV} "
            "to an installed pipeline or a model folder, or run `vigia train-ner`"
        ) from None
    if "ner" not in nlp.pipe_names:
        raise NerModelError(f"spaCy model {name!r} has no 'ner' component ({MODEL_ENV})")
    keep = {"ner"} | {
        pipe_name
        for pipe_name, pipe in nlp.pipeline
        if "ner" in (getattr(pipe, "listening_components", None) or ())
    }
    nlp.select_pipes(enable=[n for n in nlp.pipe_names if n in keep])
    return nlp


class SpacyNerRecognizer(Recognizer):
    """PERSON, LOCATION and ORGANIZATION spans (ENTITY, the main one, is what the registry sees)."""

    ENTITY = "PERSON"
    ENTITIES: ClassVar[tuple[str, ...]] = ("PERSON", "LOCATION", "ORGANIZATION")
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = []
    CONTEXT: ClassVar[list[str]] = []
    SCORES: ClassVar[dict[str, float]] = {"PERSON": 0.85, "LOCATION": 0.7, "ORGANIZATION": 0.7}
    SCREEN_COVERED: ClassVar[bool] = True  # see models.analyzer
    BATCH_SIZE: ClassVar[int] = 256

    def __init__(
        self,
        model: str | Path | None = None,
        entities: Iterable[str] | None = None,
        batch_size: int | None = None,
    ) -> None:
        super().__init__()
        self.model = model_name(model)
        self.nlp = load_ner(self.model)
        wanted = set(entities or self.ENTITIES)
        unknown = wanted - set(self.ENTITIES)
        if unknown:
            raise ValueError(f"unsupported entities {sorted(unknown)}; use {self.ENTITIES}")
        self._labels = {k: v for k, v in LABEL_MAP.items() if v in wanted}
        self.batch_size = batch_size or self.BATCH_SIZE

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={Path(self.model).name!r})"

    def prefilter(self, text: str) -> bool:
        """Run the model only where a name can be: a capitalised word of two or more characters
        (the first character of the text aside) that is not an acronym of NOT_NAMES, or a word
        that is a known (lowercase-typed) name. "ok", "bom dia", "CPF 123…" skip it."""
        rest = text[1:]
        if rest != rest.lower() and self._capitalised_word(text):
            return True
        return not known_words().isdisjoint(_WORD.findall(fold_text(text)))

    @staticmethod
    def _capitalised_word(text: str) -> bool:
        for i, match in enumerate(_WORD.finditer(text)):
            word = match.group()
            tail = word[1:] if i == 0 and match.start() == 0 else word
            if word[0].isdigit() or len(word) < 2 or tail == tail.lower():
                continue
            if fold_text(word) not in NOT_NAMES:
                return True
        return False

    def find(self, text: str) -> list[PiiSpan]:
        return self._spans(text, self.nlp(text))

    def analyze_many(
        self, texts: Sequence[str], screens: Sequence[str] | None = None
    ) -> list[list[PiiSpan]]:
        """`analyze` for each text, batched through nlp.pipe. With `screens` (each text with the
        spans other recognizers own blanked, see models.analyzer), `prefilter` looks at the
        screen: a text whose capitalised words all sit in such spans does not run the model."""
        texts = list(texts)
        screens = texts if screens is None else screens
        todo = [
            i
            for i, (t, s) in enumerate(zip(texts, screens, strict=True))
            if t and self.prefilter(s)
        ]
        docs = self.nlp.pipe((texts[i] for i in todo), batch_size=self.batch_size)
        out: list[list[PiiSpan]] = [[] for _ in texts]
        for i, doc in zip(todo, docs, strict=True):
            out[i] = resolve_overlaps(self._spans(texts[i], doc))
        return out

    def _spans(self, text: str, doc) -> list[PiiSpan]:
        spans = []
        for ent in doc.ents:
            entity = self._labels.get(ent.label_)
            if entity is None:
                continue
            start, end = ent.start_char, ent.end_char
            if end - start < 2 or not any(c.isalpha() for c in text[start:end]):
                continue
            if len(ent) == 1 and ent.text.islower() and fold_name(ent.text) not in known_words():
                continue  # "agilizar", "cartório": lowercase one-word hits must be a known name
            spans.append(PiiSpan(start, end, entity, text[start:end], self.SCORES[entity]))
        return spans
