"""The NER training-corpus recipe: LeNER-Br label mapping, generated chat messages, paths."""

from __future__ import annotations

import pytest
import spacy

from models.ner.chat_corpus import generate, strip_accents, templates
from models.ner.corpus import (
    LENER_ENV,
    CorpusError,
    chat_docs,
    iob_spans,
    lener_dir,
    read_conll,
)


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["B-PESSOA", "I-PESSOA", "O"], [(0, 2, "PERSON")]),
        (
            ["O", "B-ORGANIZACAO", "I-ORGANIZACAO", "B-LOCAL"],
            [(1, 3, "ORGANIZATION"), (3, 4, "LOCATION")],
        ),
        (["B-PESSOA", "B-PESSOA"], [(0, 1, "PERSON"), (1, 2, "PERSON")]),
        (["I-LOCAL", "I-LOCAL", "O"], [(0, 2, "LOCATION")]),  # I- without B- opens a span
        (["B-TEMPO", "I-TEMPO", "B-LEGISLACAO", "B-JURISPRUDENCIA"], []),  # dropped labels
        (["B-PESSOA", "I-LOCAL"], [(0, 1, "PERSON"), (1, 2, "LOCATION")]),
        (["O", "O"], []),
    ],
)
def test_iob_spans_maps_and_drops_labels(tags, spans):
    assert iob_spans(tags) == spans


def test_read_conll_splits_sentences_and_names_bad_lines(tmp_path):
    good = tmp_path / "good.conll"
    good.write_text("João B-PESSOA\nfoi O\n\nEm O\nSP B-LOCAL\n", encoding="utf-8")
    assert list(read_conll(good)) == [
        (["João", "foi"], ["B-PESSOA", "O"]),
        (["Em", "SP"], ["O", "B-LOCAL"]),
    ]
    bad = tmp_path / "bad.conll"
    bad.write_text("João B-PESSOA\nfoi O extra\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="bad.conll, line 2"):
        list(read_conll(bad))


def test_missing_lener_folder_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv(LENER_ENV, str(tmp_path))
    with pytest.raises(CorpusError, match=LENER_ENV) as err:
        lener_dir()
    assert "train.conll" in str(err.value)
    (tmp_path / "train.conll").write_text("", encoding="utf-8")
    (tmp_path / "dev.conll").write_text("", encoding="utf-8")
    assert lener_dir() == tmp_path
    with pytest.raises(CorpusError, match="x lacks"):  # the option wins over the environment
        lener_dir(tmp_path / "x")


def test_generation_is_reproducible_and_seeds_differ():
    assert generate(50, seed=1) == generate(50, seed=1)
    assert generate(50, seed=1) != generate(50, seed=2)


def test_test_templates_are_held_out():
    assert templates("train") and templates("test")
    assert not set(templates("train")) & set(templates("test"))


@pytest.mark.parametrize("split", ["train", "test"])
def test_generated_spans_are_clean_and_tokenize(split):
    examples = generate(400, seed=5, split=split)
    labels = {label for e in examples for _s, _e, label in e.ents}
    assert labels == {"PERSON", "LOCATION", "ORGANIZATION"}
    assert any(not e.ents for e in examples)  # messages without entities are negatives
    assert any(e.text.islower() for e in examples if e.ents)
    for example in examples:
        for start, end, _label in example.ents:
            span = example.text[start:end]
            assert span and span == span.strip()
    docs, skipped = chat_docs(examples, spacy.blank("pt"))
    assert skipped == 0 and len(docs) == len(examples)


@pytest.mark.parametrize(
    ("text", "plain"),
    [("João Antônio", "Joao Antonio"), ("Conceição", "Conceicao"), ("Drª", "Dra")],
)
def test_strip_accents_keeps_length_meaningful(text, plain):
    assert strip_accents(text) == plain
