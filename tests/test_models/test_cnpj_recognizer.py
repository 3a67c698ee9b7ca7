import pytest
from faker import Faker

from models.recognizers.cnpj_recognizer import CnpjRecognizer, cnpj_check_digits_ok

RECOGNIZER = CnpjRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CNPJ 11.222.333/0001-81", ["11.222.333/0001-81"]),
        ("a empresa 11.222.333/0001-81 não pagou", ["11.222.333/0001-81"]),
        ("cnpj: 11222333000181", ["11222333000181"]),
        ("cnpj 11222333/0001-81", ["11222333/0001-81"]),
        ("novo formato 12.ABC.345/01DE-35", ["12.ABC.345/01DE-35"]),
        # negatives
        ("CNPJ 11.222.333/0001-80", []),  # wrong check digit
        ("11222333000181", []),  # bare digits without a context word
        ("cpf 529.982.247-25", []),  # a CPF is not a CNPJ
        ("00.000.000/0000-00", []),
        ("protocolo 20240312123456", []),
        ("processo 0001234-56.2024.8.26.0100", []),
        ("valor R$ 11.222.333,00", []),
        ("", []),
    ],
)
def test_cnpj_table(text, expected):
    assert [s.text for s in RECOGNIZER.analyze(text)] == expected


def test_generated_cnpjs_found_and_wrong_check_digits_rejected():
    fake = Faker("pt_BR")
    fake.seed_instance(8)
    for _ in range(200):
        cnpj = fake.cnpj()
        assert [s.text for s in RECOGNIZER.analyze(f"cnpj {cnpj}")] == [cnpj]
        wrong = cnpj[:-2] + f"{(int(cnpj[-2:]) + 1) % 100:02d}"
        assert RECOGNIZER.analyze(f"cnpj {wrong}") == []


@pytest.mark.parametrize(
    ("value", "ok"),
    [("11222333000181", True), ("11.222.333/0001-81", True), ("12ABC34501DE35", True),
     ("11222333000180", False), ("11111111111111", False), ("1122233300018", False),
     ("12ABC34501DE3X", False)],
)  # fmt: skip
def test_check_digits(value, ok):
    assert cnpj_check_digits_ok(value) is ok
