import pytest

from models.recognizers.cep_recognizer import CepRecognizer

RECOGNIZER = CepRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CEP 01310-100", ["01310-100"]),
        ("fica no 01310-100", ["01310-100"]),
        ("cep 01.310-100", ["01.310-100"]),
        ("cep: 01310100", ["01310100"]),
        # negatives
        ("01310100", []),  # bare digits without context
        ("cep 00000-000", []),
        ("cep 00999-999", []),  # below 01000-000
        ("tel 91234-5678", []),
        ("cpf 529.982.247-25", []),
        ("processo 0001234-56.2024.8.26.0100", []),
        ("em 12/03/2024", []),
        ("valor 12.345-678,00", []),
        ("", []),
    ],
)
def test_cep_table(text, expected):
    assert [s.text for s in RECOGNIZER.analyze(text)] == expected
