"""The analyzer over the whole registry: merging across types, priorities, registry options."""

from random import Random

import pytest

from models.analyzer import ENTITIES, RegistryError, build_analyzer, load_labels
from models.recognizers.base import PiiSpan, Recognizer
from pipelines.synthetic.slots import cnj_number

CNJ = cnj_number(Random(3), 2024, "8.26")


@pytest.fixture(scope="module")
def analyzer():
    return build_analyzer({"Ana Souza": "tel:+5585982047737"})


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        (f"processo {CNJ}", ["CNJ_PROCESS"]),  # not a phone, CPF or RG inside it
        (CNJ.replace("-", "").replace(".", ""), ["CNJ_PROCESS"]),
        ("cnpj 11.222.333/0001-81", ["CNPJ"]),  # a CNPJ is not a CPF
        ("cpf 529.982.247-25", ["CPF"]),  # a CPF is not a CNPJ, RG or phone
        ("meu cpf 52998224725", ["CPF"]),
        ("cnpj 11222333000181", ["CNPJ"]),
        ("CEP 01310-100, tel (11) 91234-5678", ["CEP", "PHONE"]),
        ("meu pix é ana@x.com.br", ["PIX_KEY"]),
        ("Ana Souza mora na Rua das Flores, 123", ["PERSON", "ADDRESS"]),
        ("Dr. Paulo, OAB/SP 123.456, cartão 4111 1111 1111 1111",
         ["PERSON", "OAB", "CREDIT_CARD"]),  # the name comes from the NER model
        ("nasci em 12/03/1985, RG 12.345.678-2", ["DATE_OF_BIRTH", "RG"]),
        ("agência 1234 conta 12345-6", ["BANK_ACCOUNT"]),
        # look-alikes: none of these is personal data
        ("a audiência é dia 12/03/2025 às 14:30", []),
        ("Os honorários ficam em R$ 12.345,00, em 3 parcelas.", []),
        ("Seu atendimento foi registrado sob o nº 20240312123456.", []),
        ("código de barras 23793381286000012345678901234567", []),
        ("Audiência 2025-03-12 09:30 sala 4", []),
        ("bom dia, tudo certo?", []),
    ],
)
def test_one_label_per_value(analyzer, text, entities):
    spans = analyzer.analyze(text)
    assert [s.entity for s in spans] == entities
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    assert analyzer.analyze_many([text, "ok", text]) == [spans, [], spans]


def test_registry_labels_cover_every_entity():
    assert set(load_labels()) == ENTITIES
    assert load_labels()["CNJ_PROCESS"] == "PROCESSO"
    assert load_labels()["ADDRESS"] == "ENDERECO"


class _Fake(Recognizer):
    """Reports fixed spans of several entities; counts calls to its batch method."""

    ENTITY = "PERSON"
    ENTITIES = ("PERSON", "LOCATION", "ORGANIZATION")

    def __init__(self, score: float = 0.5, found=("PERSON", "LOCATION")):
        super().__init__()
        self.score, self.entities_found, self.batches = score, found, 0

    def find(self, text):
        return [PiiSpan(0, 9, e, text[:9], self.score) for e in self.entities_found]

    def analyze_many(self, texts):
        self.batches += 1
        return [self.find(t) for t in texts]


def _registry(tmp_path, extra: str):
    path = tmp_path / "registry.yaml"
    path.write_text(
        "labels: {PERSON: PESSOA, LOCATION: LOCAL}\n"
        "recognizers:\n"
        "  - {name: names, class: models.recognizers.name_list_recognizer.NameListRecognizer,"
        " entity: PERSON, enabled: true}\n" + extra
    )
    return path


def test_lower_priority_loses_overlaps_even_with_a_higher_score(tmp_path):
    path = _registry(
        tmp_path,
        "  - {name: ner, class: tests.test_models.test_analyzer._Fake, entities: [PERSON],"
        " enabled: true, priority: -1, options: {score: 1.0, found: [PERSON]}}\n",
    )
    analyzer = build_analyzer(["Ana Souza"], registry=path)
    [span] = analyzer.analyze("Ana Souza chegou")
    assert (span.score, span.entity) == (0.9, "PERSON")  # the directory's, not the model's 1.0
    assert analyzer.analyze("Bia Limas chegou")[0].score == 1.0  # no overlap: the model's span


def test_entities_listed_in_the_registry_limit_what_is_kept(tmp_path):
    path = _registry(
        tmp_path,
        "  - {name: ner, class: tests.test_models.test_analyzer._Fake,"
        " entities: [LOCATION], enabled: true}\n",
    )
    analyzer = build_analyzer(registry=path)
    assert [s.entity for s in analyzer.analyze("Fortaleza é longe")] == ["LOCATION"]
    assert analyzer.label("LOCATION") == "LOCAL"


def test_batch_method_of_a_recognizer_is_used_once_per_batch(tmp_path):
    path = _registry(
        tmp_path,
        "  - {name: ner, class: tests.test_models.test_analyzer._Fake,"
        " entities: [PERSON, LOCATION], enabled: true, options: {score: 0.7}}\n",
    )
    analyzer = build_analyzer(registry=path)
    [fake] = analyzer.recognizers
    out = analyzer.analyze_many(["Fortaleza x", "Fortaleza x", "Sobral é bom"])
    assert fake.batches == 1
    assert out[0] == out[1] and len(out[0]) == 1 and out[0][0].score == 0.7


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{name: x, class: models.recognizers.cpf_recognizer.CpfRecognizer, enabled: true}",
         "entity"),
        ("{name: x, class: models.recognizers.cpf_recognizer.CpfRecognizer, entities: [CPF, X],"
         " enabled: true}", "entity"),
        ("{name: x, class: models.recognizers.cpf_recognizer.CpfRecognizer, entity: CPF,"
         " enabled: true, priority: high}", "priority"),
        ("{name: x, class: models.recognizers.cpf_recognizer.CpfRecognizer, entity: CPF,"
         " enabled: true, options: {nope: 1}}", "options"),
        ("{name: x, class: models.recognizers.cpf_recognizer.CpfRecognizer, entity: CPF,"
         " enabled: true, options: [1]}", "options"),
        ("{name: x, class: models.recognizers.cpf_recognizer.CpfRecognizer, entity: CNPJ,"
         " enabled: true}", "reports"),
    ],
)  # fmt: skip
def test_registry_entry_errors_name_the_entry(tmp_path, entry, problem):
    path = tmp_path / "registry.yaml"
    path.write_text(f"recognizers:\n  - {entry}\n")
    with pytest.raises(RegistryError) as info:
        build_analyzer(registry=path)
    assert "recognizer x" in str(info.value) and problem in str(info.value)


def test_labels_must_name_known_entities(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text("labels: {SSN: X}\nrecognizers: []\n")
    with pytest.raises(RegistryError, match="labels"):
        build_analyzer(registry=path)
