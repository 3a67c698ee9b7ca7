import pytest

from models.recognizers.base import fold_text
from models.recognizers.name_list_recognizer import NameListRecognizer

NAMES = ["João da Silva", "Ana Souza", "Maria Conceição Araújo", "Dr. Paulo Mendes", "Ana"]
RECOGNIZER = NameListRecognizer(NAMES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fala com o João da Silva amanhã", ["João da Silva"]),
        ("fala com o joao da silva", ["joao da silva"]),  # typed without accents, lowercase
        ("JOÃO DA SILVA ligou", ["JOÃO DA SILVA"]),
        ("a maria conceicao araujo assinou", ["maria conceicao araujo"]),
        ("Ana Souza, Ana e João da Silva.", ["Ana Souza", "Ana", "João da Silva"]),
        ("o dr. paulo mendes pediu", ["dr. paulo mendes"]),
        ("ção ção Ana Souza", ["Ana Souza"]),  # accented text before: offsets still exact
        # negatives
        ("Anastácia Souza chegou", []),  # a name inside a longer word
        ("João Silva ligou", []),  # not the directory spelling
        ("Maria Conceição chegou", []),  # only part of a name
        ("souza", []),
        ("", []),
        ("bom dia, tudo bem?", []),
    ],
)
def test_name_table(text, expected):
    spans = RECOGNIZER.analyze(text)
    assert [s.text for s in spans] == expected
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.entity == "PERSON"


def test_longest_name_wins_over_contained_one():
    spans = RECOGNIZER.analyze("a Ana Souza veio")
    assert [s.text for s in spans] == ["Ana Souza"]


def test_no_names_matches_nothing():
    assert NameListRecognizer([]).analyze("João da Silva") == []


@pytest.mark.parametrize(
    "text", ["ÁÉÍÓÚ ção ß İstanbul ﬁ", "naïve café", "日本語 テキスト", "a\u0301b"]
)
def test_fold_keeps_length(text):
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert folded == folded.lower() or "İ" in text


def test_prefilter_is_exact_for_plain_names():
    assert not RECOGNIZER.prefilter("nada a ver")
    assert RECOGNIZER.prefilter("o JOAO da silva")
