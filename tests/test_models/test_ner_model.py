"""The shipped Portuguese NER model (models/ner/model) and SpacyNerRecognizer on chat text."""

from __future__ import annotations

import pytest
import spacy

from models.recognizers.spacy_ner_recognizer import (
    DEFAULT_MODEL,
    MODEL_ENV,
    NerModelError,
    SpacyNerRecognizer,
    load_ner,
)


@pytest.fixture(scope="module")
def recognizer() -> SpacyNerRecognizer:
    return SpacyNerRecognizer(DEFAULT_MODEL)


def persons(recognizer: SpacyNerRecognizer, text: str) -> list[str]:
    return [s.text for s in recognizer.analyze(text) if s.entity == "PERSON"]


def test_shipped_model_is_small_and_loads_from_the_repo():
    files = [f for f in DEFAULT_MODEL.rglob("*") if f.is_file()]
    assert sum(f.stat().st_size for f in files) < 20_000_000
    assert not any("model-best" in str(f) or "model-last" in str(f) for f in files)
    nlp = spacy.load(DEFAULT_MODEL)
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "LOCATION", "ORGANIZATION"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("fala com o joão da silva amanhã cedo", "joão da silva"),
        ("Bom dia, a Dra. Ana Souza pediu os documentos", "Ana Souza"),
        ("dona Cida ligou de novo perguntando do processo", "Cida"),
        ("o seu Zé não veio na audiência", "Zé"),
        ("Dr. Paulo vai te ligar hoje à tarde", "Paulo"),
        ("MANDA PRO CARLOS EDUARDO PEREIRA O COMPROVANTE", "CARLOS EDUARDO PEREIRA"),
        ("conversei com a Patricia Alves ontem, ela vai assinar", "Patricia Alves"),
        ("a testemunha é a Fernanda Oliveira Costa, vizinha dela", "Fernanda Oliveira Costa"),
        ("obrigado, marcos! até segunda", "marcos"),
        ("Quem indicou vocês foi o Rodrigo Nascimento", "Rodrigo Nascimento"),
    ],
)
def test_finds_people_in_chat_messages(recognizer, text, name):
    assert name in persons(recognizer, text)


@pytest.mark.parametrize(
    ("text", "entity", "word"),
    [
        ("a audiência é no fórum de Pinheiros às 14h", "LOCATION", "Pinheiros"),
        ("moro em Guarulhos faz dez anos", "LOCATION", "Guarulhos"),
        ("o Bradesco bloqueou minha conta de novo", "ORGANIZATION", "Bradesco"),
        ("o INSS negou o benefício, vamos recorrer", "ORGANIZATION", "INSS"),
    ],
)
def test_finds_places_and_organisations(recognizer, text, entity, word):
    assert any(s.entity == entity and word in s.text for s in recognizer.analyze(text))


@pytest.mark.parametrize(
    "text",
    [
        "bom dia, tudo bem?",
        "Ok, obrigado! Amanhã eu mando os documentos",
        "a audiência foi adiada para segunda-feira",
        "Graças a Deus deu tudo certo",
        "Segue o comprovante do pagamento",
        "pode me ligar às 14h?",
        "O valor da causa é R$ 5.000,00",
        "Certo doutor, vou levar a carteira de trabalho",
        "kkkkk verdade",
        "Boa tarde Dra, recebeu meu áudio?",
    ],
)
def test_common_chat_words_are_not_people(recognizer, text):
    assert persons(recognizer, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "oi Maria, a Dra. Ana Souza e o seu Zé chegam no fórum de Santana às 9h",
        "  espaços antes: fala com o joão da silva, ok?",
        "🙏🏻 obrigada dona Cida!! o Itaú liberou",
    ],
)
def test_offsets_point_into_the_input(recognizer, text):
    spans = recognizer.analyze(text)
    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip()
        assert span.entity in SpacyNerRecognizer.ENTITIES
    assert [s.start for s in spans] == sorted(s.start for s in spans)


def test_analyze_many_matches_analyze(recognizer):
    texts = [
        "fala com o joão da silva",
        "",
        "123 456",
        "Dr. Paulo ligou do Santander",
        "fala com o joão da silva",
    ]
    assert recognizer.analyze_many(texts) == [recognizer.analyze(t) for t in texts]
    assert recognizer.analyze_many([]) == []


def test_entities_option_limits_labels():
    only_people = SpacyNerRecognizer(DEFAULT_MODEL, entities=["PERSON"])
    spans = only_people.analyze("a Dra. Ana Souza trabalha no Bradesco em Osasco")
    assert [s.entity for s in spans] == ["PERSON"]
    with pytest.raises(ValueError, match="unsupported"):
        SpacyNerRecognizer(DEFAULT_MODEL, entities=["CPF"])


def test_only_ner_and_its_tok2vec_run(recognizer):
    assert recognizer.nlp.pipe_names == ["tok2vec", "ner"]
    assert load_ner(str(DEFAULT_MODEL)) is load_ner(str(DEFAULT_MODEL))


def test_model_chosen_by_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "missing"))
    with pytest.raises(NerModelError, match=MODEL_ENV):
        SpacyNerRecognizer()
    blank = tmp_path / "blank"
    spacy.blank("pt").to_disk(blank)
    monkeypatch.setenv(MODEL_ENV, str(blank))
    with pytest.raises(NerModelError, match="no 'ner'"):
        SpacyNerRecognizer()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Dá pra agilizar no cartório, é só deixar um cafezinho", []),  # cues rules need
        ("Conheço o escrevente da vara", []),
        ("fala com a cida amanhã", ["cida"]),  # a known nickname
        ("fala com o joão da silva", ["joão da silva"]),  # lowercase, several words
    ],
)
def test_lowercase_single_words_are_kept_only_when_known_names(recognizer, text, kept):
    assert [s.text for s in recognizer.find(text)] == kept


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("ok", False),
        ("Bom dia, tudo bem?", False),
        ("obrigado pelo retorno, amanhã te mando", False),
        ("Bom dia Dona Cida", True),  # a capital after the first character
        ("fala com o joão amanhã", True),  # a known name typed in lowercase
        ("fala com a cida", True),
        # document and money acronyms, single capitals: no name can be there
        ("meu CPF é 529.982.247-25", False),
        ("CPF 52998224725", False),
        ("meu RG é 12.345.678-X", False),
        ("DN: 01/02/1990", False),
        ("paguei R$ 1.234,56, Nº 123", False),
        ("o CNPJ da empresa é 11.222.333/0001-81", False),
        # ...but any other capitalised word may be one
        ("o INSS negou o benefício", True),
        ("Banco Itaú ag 1234 cc 5678-9", True),
        ("MANDA PRO CARLOS O COMPROVANTE", True),
        ("assina: OAB/SP 123.456", True),  # a state may be a place
        ("CPF do Paulo é 529.982.247-25", True),
    ],
)
def test_the_model_runs_only_where_a_name_can_be(recognizer, text, runs):
    assert recognizer.prefilter(text) is runs
