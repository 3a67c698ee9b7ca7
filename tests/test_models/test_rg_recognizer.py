import pytest

from models.recognizers.rg_recognizer import RgRecognizer, rg_sp_check_digit_ok

RECOGNIZER = RgRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.345.678-2", ["12.345.678-2"]),  # São Paulo check digit: no context needed
        ("24.681.357-X", ["24.681.357-X"]),
        ("meu RG é 12.345.678-0", ["12.345.678-0"]),  # another state's rule: context needed
        ("rg 123456789", ["123456789"]),
        ("identidade: 66879446X", ["66879446X"]),
        ("RG MG-12.345.678", ["MG-12.345.678"]),
        # negatives
        ("12.345.678-0", []),  # wrong SP check digit and no context
        ("protocolo 123456789", []),
        ("123456789", []),
        ("rg 111111111", []),  # one repeated digit
        ("cpf 529.982.247-25", []),
        ("valor R$ 12.345.678,00", []),
        ("em 12/03/2024 às 14:30", []),
        ("", []),
    ],
)
def test_rg_table(text, expected):
    assert [s.text for s in RECOGNIZER.analyze(text)] == expected


@pytest.mark.parametrize(
    ("value", "ok"),
    [("12.345.678-2", True), ("24681357X", True), ("30.201.456-1", True),
     ("12.345.678-3", False), ("11.111.111-1", False), ("1234567", False)],
)  # fmt: skip
def test_sp_check_digit(value, ok):
    assert rg_sp_check_digit_ok(value) is ok
