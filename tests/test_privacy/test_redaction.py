import hashlib
import hmac
import re

import pytest

from models.analyzer import RegistryError, build_analyzer
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.privacy.redaction import redact, redact_many

KEY = b"0123456789abcdef0123456789abcdef"
PHONE_ID = "tel:+5511912345678"
PEOPLE = {
    "João da Silva": PHONE_ID,
    "Ana Souza": "tel:+5585982047737",
    "Bia Lima": "tel:+5521987654321",
}


def tok(canonical: str) -> str:
    return "P-" + hmac.new(KEY, canonical.encode(), hashlib.sha256).hexdigest()[:12]


@pytest.fixture(scope="module")
def analyzer():
    return build_analyzer(PEOPLE)


@pytest.fixture(scope="module")
def pseudonymizer():
    return Pseudonymizer(KEY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("me liga no (11) 91234-5678", f"me liga no [TELEFONE {tok(PHONE_ID)}]"),
        ("zap 5511912345678!", f"zap [TELEFONE {tok(PHONE_ID)}]!"),
        ("+55 85 8204-7737", f"[TELEFONE {tok('tel:+5585982047737')}]"),
        ("fala com o joao da silva", f"fala com o [PESSOA {tok(PHONE_ID)}]"),
        ("cpf 529.982.247-25", f"cpf [CPF {tok('cpf:52998224725')}]"),
        ("cpf 52998224725", f"cpf [CPF {tok('cpf:52998224725')}]"),
        ("Manda p/ Ana@X.com.br", f"Manda p/ [EMAIL {tok('email:ana@x.com.br')}]"),
        (
            "Ana Souza: (85) 98204-7737 / 529.982.247-25",
            f"[PESSOA {tok('tel:+5585982047737')}]: [TELEFONE {tok('tel:+5585982047737')}]"
            f" / [CPF {tok('cpf:52998224725')}]",
        ),
        # a directory name with an honorific in text carries her phone's token...
        ("a Dra. Ana Souza pediu", f"a Dra. [PESSOA {tok('tel:+5585982047737')}] pediu"),
        ("DRA ANA SOUZA ligou", f"DRA [PESSOA {tok('tel:+5585982047737')}] ligou"),
        # ...a longer name holding it is someone else's (or her full) name: all of it is hidden
        ("Ana Souza Pinto ligou", f"[PESSOA {tok('name:directory:ana souza pinto')}] ligou"),
        # nothing to redact
        ("bom dia, tudo certo?", "bom dia, tudo certo?"),
        ("processo 0001234-56.2024.8.26.0100", "processo 0001234-56.2024.8.26.0100"),
        ("valor R$ 1.234,56 em 12/03/2024 às 14:30", "valor R$ 1.234,56 em 12/03/2024 às 14:30"),
        ("cpf 529.982.247-24", "cpf 529.982.247-24"),
        ("", ""),
    ],
)
def test_redact_table(analyzer, pseudonymizer, text, expected):
    assert redact(text, analyzer, pseudonymizer) == expected


def test_redacted_text_holds_no_identifier(analyzer, pseudonymizer):
    text = "João da Silva (11) 91234-5678 ana@x.com.br 529.982.247-25"
    out = redact(text, analyzer, pseudonymizer)
    for secret in ["João", "Silva", "91234", "5678", "ana@", "529", "247"]:
        assert secret not in out
    assert len(re.findall(r"\[(PESSOA|TELEFONE|EMAIL|CPF) P-[0-9a-f]{12}\]", out)) == 4


def test_name_without_mapping_gets_directory_name_token(pseudonymizer):
    analyzer = build_analyzer(["Maria Araújo"])
    assert redact("oi MARIA ARAUJO", analyzer, pseudonymizer) == (
        f"oi [PESSOA {tok('name:directory:maria araujo')}]"
    )


def test_ambiguous_name_falls_back_to_name_token(pseudonymizer):
    analyzer = build_analyzer(
        {"Ana Souza": "tel:+5511911111111", "ANA SOUZA": "tel:+5511922222222"}
    )
    assert (
        redact("Ana Souza", analyzer, pseudonymizer)
        == f"[PESSOA {tok('name:directory:ana souza')}]"
    )


def test_aliases_make_email_and_phone_one_token(analyzer):
    p = Pseudonymizer(KEY, aliases={"email:ana@x.com.br": PHONE_ID})
    out = redact("ana@x.com.br / 11 91234-5678", analyzer, p)
    assert out == f"[EMAIL {tok(PHONE_ID)}] / [TELEFONE {tok(PHONE_ID)}]"


def test_redact_many_equals_redact(analyzer, pseudonymizer):
    texts = [
        "ok",
        "ok",
        "fala com Bia Lima",
        "11 9 1234-5678",
        "nada",
        "cpf 529.982.247-25",
        "fala com Bia Lima",
    ]
    assert redact_many(texts, analyzer, pseudonymizer) == [
        redact(t, analyzer, pseudonymizer) for t in texts
    ]
    assert redact_many([], analyzer, pseudonymizer) == []


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("cpf 52998224725", ["CPF"]),  # CPF context beats a bare number
        ("tel 11912345678", ["PHONE"]),  # a valid phone; not a valid CPF either
        # 11912345684 is both a valid mobile and passes the CPF checksum: context decides
        ("numero 11912345684", ["PHONE"]),
        ("meu cpf: 11912345684", ["CPF"]),
        ("Ana Souza ana@x.com.br", ["PERSON", "EMAIL"]),
        ("+55 (11) 9 1234-5678 e 529.982.247-25", ["PHONE", "CPF"]),
    ],
)
def test_analyzer_merges_without_overlaps(analyzer, text, entities):
    spans = analyzer.analyze(text)
    assert [s.entity for s in spans] == entities
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    assert analyzer.analyze_many([text, text]) == [spans, spans]


def test_analyzer_without_a_directory_finds_names_by_the_ner_model():
    analyzer = build_analyzer()
    spans = analyzer.analyze("João da Silva 11 91234-5678")
    assert [(s.entity, s.text) for s in spans] == [
        ("PERSON", "João da Silva"),
        ("PHONE", "11 91234-5678"),
    ]


@pytest.mark.parametrize(
    ("yaml_text", "problem"),
    [
        ("recognizers: {}\n", "recognizers"),
        ("recognizers:\n  - name: cpf\n    entity: CPF\n", "missing"),
        (
            "recognizers:\n  - {name: x, class: models.recognizers.cpf_recognizer.CpfRecognizer,"
            " entity: SSN, label: X, enabled: true}\n",
            "entity",
        ),
        (
            "recognizers:\n  - {name: x, class: models.recognizers.nope.Nope,"
            " entity: CPF, label: CPF, enabled: true}\n",
            "imported",
        ),
        (
            "recognizers:\n  - {name: x, entity: CPF, label: CPF, enabled: true,\n"
            "     class: models.recognizers.email_recognizer.EmailRecognizer}\n",
            "reports",
        ),
    ],
)
def test_registry_errors_name_file_and_entry(tmp_path, yaml_text, problem):
    path = tmp_path / "registry.yaml"
    path.write_text(yaml_text)
    with pytest.raises(RegistryError) as info:
        build_analyzer(registry=path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def test_disabled_recognizer_is_skipped(tmp_path, pseudonymizer):
    path = tmp_path / "registry.yaml"
    path.write_text(
        "recognizers:\n"
        "  - {name: cpf, class: models.recognizers.cpf_recognizer.CpfRecognizer,"
        " entity: CPF, label: DOC, enabled: true}\n"
        "  - {name: phone, class: models.recognizers.phone_recognizer.PhoneRecognizer,"
        " entity: PHONE, label: TELEFONE, enabled: false}\n"
    )
    analyzer = build_analyzer(registry=path)
    out = redact("cpf 529.982.247-25 tel 11 91234-5678", analyzer, pseudonymizer)
    assert out == f"cpf [DOC {tok('cpf:52998224725')}] tel 11 91234-5678"
