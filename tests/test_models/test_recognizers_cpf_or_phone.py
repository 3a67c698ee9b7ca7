"""Eleven bare digits valid both as a CPF and as a Brazilian mobile: the context decides, then
the CPF check digits (models/recognizers/phone_recognizer.py). Look-alikes are neither."""

from __future__ import annotations

import pytest
from faker import Faker

from models.analyzer import build_analyzer
from models.recognizers.cpf_recognizer import cpf_check_digits_ok
from pipelines.privacy.phones import to_e164


def _both_ways(count: int, seed: int) -> list[str]:
    """Generated valid CPFs whose bare digits are also a valid Brazilian number with area code."""
    fake = Faker("pt_BR")
    fake.seed_instance(seed)
    found: list[str] = []
    while len(found) < count:
        digits = fake.cpf().replace(".", "").replace("-", "")
        if to_e164(digits) == f"+55{digits}":
            found.append(digits)
    return found


BOTH = _both_ways(12, seed=21)
NUMBER = BOTH[0]


@pytest.fixture(scope="module")
def analyzer():
    return build_analyzer()


def labels(analyzer, text: str) -> list[tuple[str, str]]:
    return [(s.text, s.entity) for s in analyzer.analyze(text)]


def test_the_generated_numbers_really_are_both():
    for digits in BOTH:
        assert cpf_check_digits_ok(digits) and to_e164(digits) == f"+55{digits}"


@pytest.mark.parametrize(
    ("template", "entity"),
    [
        ("{n}", "CPF"),  # no context: the check digits make CPF the likelier reading
        ("segue: {n}", "CPF"),
        ("meu cpf é {n}", "CPF"),
        ("CPF {n}", "CPF"),
        ("documento {n} ok", "CPF"),
        ("{n} é meu cpf", "CPF"),
        ("o cpf dele é {n}, liga pra ele", "CPF"),  # the word before the number wins
        ("meu zap é {n}", "PHONE"),
        ("me liga no {n}", "PHONE"),
        ("tel {n}", "PHONE"),
        ("whats {n} chama lá", "PHONE"),
        ("{n} esse é o numero novo", "PHONE"),  # no word before: the one after
        ("me liga no {n}, meu cpf é outro", "PHONE"),
        ("o numero do cpf é {n}", "CPF"),  # "cpf" is nearer than "numero"
    ],
)
@pytest.mark.parametrize("number", BOTH[:4])
def test_context_then_check_digits_decide(analyzer, template, entity, number):
    text = template.format(n=number)
    assert labels(analyzer, text) == [(number, entity)]


@pytest.mark.parametrize("number", BOTH)
def test_bare_number_without_context_is_a_cpf_and_with_a_phone_word_a_phone(analyzer, number):
    assert labels(analyzer, number) == [(number, "CPF")]
    assert labels(analyzer, f"meu zap {number}") == [(number, "PHONE")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a phone whose digits fail the CPF check stays a phone without any context
        ("11912345678", [("11912345678", "PHONE")]),
        ("anota: 11912345678", [("11912345678", "PHONE")]),
        # a CPF that is no phone number is a CPF even next to a phone word
        ("me liga, 52998224725", [("52998224725", "CPF")]),
        # formatted numbers say what they are, whatever their digits
        (f"({NUMBER[:2]}) {NUMBER[2:7]}-{NUMBER[7:]}", None),
        (f"+55 {NUMBER[:2]} {NUMBER[2:7]}-{NUMBER[7:]}", None),
        (f"cpf {NUMBER[:3]}.{NUMBER[3:6]}.{NUMBER[6:9]}-{NUMBER[9:]}", None),
    ],
)
def test_spelled_out_or_single_reading_numbers(analyzer, text, expected):
    if expected is None:  # the formatted spelling of NUMBER: PHONE with parentheses/plus
        entity = "CPF" if text.startswith("cpf") else "PHONE"
        expected = [(text.removeprefix("cpf "), entity)]
    assert labels(analyzer, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "protocolo 20240312123456",  # 14-digit protocol
        "Seu atendimento foi registrado sob o nº 2024031212345.",
        "a audiência é dia 12/03/2025 às 14:30",
        "Audiência 2025-03-12 09:30 sala 4",
        "liga depois das 16h30",
        "a reunião ficou pra 05/11/2025 10:00",
        "paguei R$ 1.234.567,89 ontem",
        "ficou em R$ 12.345.678,90 a causa",
        "são 12 parcelas de R$ 9.619,64",
        "código de barras 23793381286000012345678901234567",
        f"processo {NUMBER[:7]}-{NUMBER[7:9]}.2024.8.26.0100",  # CNJ with the digits inside
        f"{NUMBER}0",  # twelve digits
        NUMBER[:9],  # nine digits: no area code
    ],
)
def test_look_alikes_are_neither_cpf_nor_phone(analyzer, text):
    assert not [e for _t, e in labels(analyzer, text) if e in ("CPF", "PHONE")]
