"""The training corpus recipe: LeNER-Br (legal text) + generated chat messages -> .spacy files.

LeNER-Br labels map to ours: PESSOA -> PERSON, ORGANIZACAO -> ORGANIZATION, LOCAL -> LOCATION;
TEMPO, LEGISLACAO and JURISPRUDENCIA are dropped (their tokens become O). The LeNER-Br folder
lives outside the repository: it comes from `--lener-dir`, else $VIGIA_NER_CORPUS, else
../shared/corpora/lener-br next to the repository. Only retraining needs it; the trained model
is committed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span

from models.ner.chat_corpus import ChatExample, generate

REPO = Path(__file__).resolve().parents[2]
DEFAULT_LENER_DIR = REPO.parent / "shared" / "corpora" / "lener-br"
LENER_ENV = "VIGIA_NER_CORPUS"
LENER_LABELS = {"PESSOA": "PERSON", "ORGANIZACAO": "ORGANIZATION", "LOCAL": "LOCATION"}
LABELS = ("PERSON", "LOCATION", "ORGANIZATION")


class CorpusError(Exception):
    """The corpus cannot be built (missing or malformed input); the message says what to do."""


@dataclass(frozen=True)
class CorpusSizes:
    """How many messages of each generated part; seeds keep train and test apart."""

    chat_train: int = 12_000
    chat_dev: int = 1_000
    chat_test: int = 2_000
    seed: int = 13
    test_seed: int = 9_001


def lener_dir(option: str | Path | None = None) -> Path:
    """Folder holding LeNER-Br train.conll and dev.conll; CorpusError when it is missing."""
    folder = Path(option or os.environ.get(LENER_ENV) or DEFAULT_LENER_DIR)
    missing = [f for f in ("train.conll", "dev.conll") if not (folder / f).is_file()]
    if missing:
        raise CorpusError(
            f"LeNER-Br not found: {folder} lacks {', '.join(missing)}. Download "
            "https://github.com/peluz/lener-br (leNER-Br/train/train.conll, dev/dev.conll) and "
            f"pass its folder with --lener-dir or ${LENER_ENV}."
        )
    return folder


def read_conll(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    """(words, IOB2 tags) per sentence of a `token TAG` file with blank lines between sentences."""
    words: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            parts = line.split()
            if not parts:
                if words:
                    yield words, tags
                words, tags = [], []
                continue
            if len(parts) != 2:
                raise CorpusError(
                    f"{path}, line {number}: expected 'token TAG', got {len(parts)} fields"
                )
            words.append(parts[0])
            tags.append(parts[1])
    if words:
        yield words, tags


def iob_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """(first token, end token, our label) of each kept entity in IOB2 tags."""
    spans: list[tuple[int, int, str]] = []
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        if label is not None and (prefix != "I" or name != label):
            if LENER_LABELS.get(label):
                spans.append((start, i, LENER_LABELS[label]))
            start, label = None, None
        if prefix == "B" or (prefix == "I" and label is None):
            start, label = i, name
    return spans


def lener_docs(path: Path, vocab) -> list[Doc]:
    docs = []
    for words, tags in read_conll(path):
        doc = Doc(vocab, words=words)
        doc.ents = [Span(doc, s, e, label=label) for s, e, label in iob_spans(tags)]
        docs.append(doc)
    return docs


def chat_docs(examples: list[ChatExample], nlp) -> tuple[list[Doc], int]:
    """Docs tokenized like inference text; examples whose spans cut a token are skipped."""
    docs, skipped = [], 0
    for example, doc in zip(examples, nlp.tokenizer.pipe(e.text for e in examples), strict=True):
        spans = [doc.char_span(s, e, label) for s, e, label in example.ents]
        if any(span is None for span in spans):
            skipped += 1
            continue
        doc.ents = spans
        docs.append(doc)
    return docs, skipped


def build(out_dir: Path, lener: Path, sizes: CorpusSizes = CorpusSizes()) -> dict[str, int]:
    """Write train/dev (for `spacy train`), lener_dev and chat_test (for EVAL.md) to out_dir."""
    nlp = spacy.blank("pt")
    out_dir.mkdir(parents=True, exist_ok=True)
    lener_train = lener_docs(lener / "train.conll", nlp.vocab)
    lener_dev = lener_docs(lener / "dev.conll", nlp.vocab)
    chat_train, skip_a = chat_docs(generate(sizes.chat_train, sizes.seed, "train"), nlp)
    chat_dev, skip_b = chat_docs(generate(sizes.chat_dev, sizes.seed + 1, "train"), nlp)
    chat_test, skip_c = chat_docs(generate(sizes.chat_test, sizes.test_seed, "test"), nlp)
    parts = {
        "train": lener_train + chat_train,
        "dev": lener_dev + chat_dev,
        "lener_dev": lener_dev,
        "chat_test": chat_test,
    }
    for name, docs in parts.items():
        DocBin(docs=docs, store_user_data=False).to_disk(out_dir / f"{name}.spacy")
    counts = {name: len(docs) for name, docs in parts.items()}
    counts["chat_skipped"] = skip_a + skip_b + skip_c
    return counts
