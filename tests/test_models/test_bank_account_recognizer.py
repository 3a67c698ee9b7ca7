import pytest

from models.recognizers.bank_account_recognizer import BankAccountRecognizer

RECOGNIZER = BankAccountRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("agência 1234 conta 12345-6", ["1234 conta 12345-6"]),
        ("Ag: 0001 / C/C 98765-4", ["0001 / C/C 98765-4"]),
        ("conta corrente nº 55555-0 no Itaú", ["55555-0"]),
        ("conta poupança 1.234.567-8", ["1.234.567-8"]),
        ("deposita na conta 743155-1, agência 5474", ["743155-1", "5474"]),
        ("ag 3936-X cc 407970", ["3936-X cc 407970"]),
        # negatives
        ("a conta deu 300 reais", []),
        ("a conta 300 reais", []),
        ("12345-6", []),  # no banking word
        ("conta pra ele que a audiência é 12/03", []),
        ("conta 2 vezes", []),
        ("tel 11 91234-5678", []),
        ("", []),
    ],
)
def test_bank_account_table(text, expected):
    assert [s.text for s in RECOGNIZER.analyze(text)] == expected
