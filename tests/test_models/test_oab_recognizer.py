import pytest

from models.recognizers.oab_recognizer import OabRecognizer

RECOGNIZER = OabRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Paulo, OAB/SP 123.456", ["OAB/SP 123.456"]),
        ("OAB-RJ nº 98765.", ["OAB-RJ nº 98765"]),
        ("oab sp 123456", ["oab sp 123456"]),
        ("OAB/MG 12.345-A", ["OAB/MG 12.345-A"]),
        ("inscrita na OAB 123.456/SP", ["OAB 123.456/SP"]),
        ("advogado 123456/RJ", ["123456/RJ"]),
        ("Dra. Ana 98.765/PR", ["98.765/PR"]),
        # negatives
        ("123456/RJ", []),  # short form without context
        ("OAB/XX 123456", []),  # not a state
        ("advogado 2024/SP", []),  # too short for the short form
        ("em 12/03/2024", []),
        ("a OAB decidiu ontem", []),
        ("", []),
    ],
)
def test_oab_table(text, expected):
    assert [s.text for s in RECOGNIZER.analyze(text)] == expected
