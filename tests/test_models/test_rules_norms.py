"""Token NORMs: abbreviation tables across languages, typo tolerance for FUZZY words."""

from pathlib import Path

import pytest
import spacy

from models.rules.norms import NormTable, load_abbreviations, osa_distance
from models.rules.schema import RuleFileError


@pytest.mark.parametrize(
    ("a", "b", "limit", "expected"),
    [
        ("propina", "propina", 1, 0),
        ("propna", "propina", 1, 1),  # deletion
        ("porpina", "propina", 1, 1),  # adjacent transposition counts once
        ("propinna", "propina", 1, 1),  # insertion
        ("prupina", "propina", 1, 1),  # substitution
        ("prpna", "propina", 1, 2),  # beyond the limit: limit + 1
        ("abcx", "axbc", 2, 2),
    ],
)
def test_osa_distance(a, b, limit, expected):
    assert osa_distance(a, b, limit) == expected


@pytest.fixture
def table() -> NormTable:
    return NormTable(
        {"vc": "voce"}, {"propina": 1, "kickback": 1, "juiz": 1}, known={"pagar", "apagar"}
    )


@pytest.mark.parametrize(
    ("word", "typo_of"),
    [
        ("propna", "propina"),
        ("porpina", "propina"),
        ("kikback", "kickback"),
        ("propina", None),  # the word itself is not a typo
        ("prpna", None),  # two edits away
        ("juis", None),  # fuzzy words shorter than 5 letters are never used
        ("apagar", None),  # a word the rules use is never remapped
        ("de", None),  # stop words neither
    ],
)
def test_typos_of_fuzzy_words(table, word, typo_of):
    assert table.typo_of(word) == typo_of


def test_a_word_close_to_two_fuzzy_words_is_left_alone():
    table = NormTable(fuzzy={"pagamos": 1, "pegamos": 1})
    assert table.typo_of("pigamos") is None


def test_installed_table_gives_lexemes_their_norm(table):
    nlp = spacy.blank("pt")
    table.install(nlp.vocab)
    assert [t.norm_ for t in nlp.make_doc("vc quer a propna")] == ["voce", "quer", "a", "propina"]


def _table(tmp_path: Path, language: str, body: str) -> None:
    (tmp_path / f"abbreviations.{language}.yaml").write_text(
        f'language: "{language}"\nabbreviations:\n{body}', encoding="utf-8"
    )


def test_short_forms_that_languages_expand_differently_join_one_norm(tmp_path):
    _table(tmp_path, "pt-BR", '  "msg": "mensagem"\n  "tb": "também"\n')
    _table(tmp_path, "en", '  "msg": "message"\n  "txt": "text"\n')
    _table(tmp_path, "es", '  "msg": "mensaje"\n  "tb": "también"\n  "q": "que"\n')
    table = load_abbreviations(tmp_path)
    # the pt-BR word is the group's NORM; the other full words map to it
    assert table["msg"] == table["message"] == table["mensaje"] == "mensagem"
    assert table["tb"] == table["tambien"] == "tambem"
    assert table["txt"] == "text" and table["q"] == "que"
    assert "text" not in table  # a full word no other table disputes keeps its own NORM


def test_a_full_word_that_is_a_short_form_elsewhere_is_an_error(tmp_path):
    _table(tmp_path, "pt-BR", '  "vc": "voce"\n')
    _table(tmp_path, "en", '  "u": "vc"\n')
    with pytest.raises(RuleFileError, match="is a short form in abbreviations.pt-BR.yaml"):
        load_abbreviations(tmp_path)


def test_shipped_tables_keep_each_language_usable():
    table = load_abbreviations()
    assert table["vc"] == "voce" and table["u"] == "you" and table["xq"] == "porque"
    assert table["msj"] == "mensaje" or table["msj"] == "mensagem"
    # common words of the other languages are not short forms (every message meets every table)
    for word in ("no", "ya", "ta", "num", "n", "ill"):
        assert table.get(word, word) in {word, "nao"}
