import pytest
from faker import Faker

from models.recognizers.credit_card_recognizer import CreditCardRecognizer, luhn_ok

RECOGNIZER = CreditCardRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4111 1111 1111 1111", ["4111 1111 1111 1111"]),
        ("5555-5555-5555-4444", ["5555-5555-5555-4444"]),
        ("amex 3782 822463 10005", ["3782 822463 10005"]),
        ("cartão 4111111111111111", ["4111111111111111"]),
        # negatives
        ("4111 1111 1111 1112", []),  # fails Luhn
        ("4111111111111111", []),  # bare digits without context
        ("0000 0000 0000 0000", []),
        ("9111 1111 1111 1119", []),  # no issuer starts with 9
        ("processo 0001234-56.2024.8.26.0100", []),
        ("cnpj 11.222.333/0001-81", []),
        ("protocolo 20240312123456", []),
        ("", []),
    ],
)
def test_credit_card_table(text, expected):
    assert [s.text for s in RECOGNIZER.analyze(text)] == expected


def test_generated_card_numbers_found_with_context():
    fake = Faker("pt_BR")
    fake.seed_instance(2)
    for _ in range(100):
        number = fake.credit_card_number(card_type="visa16")
        assert [s.text for s in RECOGNIZER.analyze(f"cartão {number}")] == [number]


@pytest.mark.parametrize(
    ("digits", "ok"),
    [("4111111111111111", True), ("4111111111111112", False), ("79927398713", True),
     ("12a4", False)],
)  # fmt: skip
def test_luhn(digits, ok):
    assert luhn_ok(digits) is ok
