import pytest

from models.recognizers.phone_recognizer import PhoneRecognizer
from pipelines.privacy.phones import to_e164

RECOGNIZER = PhoneRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("me liga no 11 9 1234-5678 amanhã", ["11 9 1234-5678"]),
        ("zap +55 85 8204-7737", ["+55 85 8204-7737"]),
        ("meu cel (11) 91234-5678.", ["(11) 91234-5678"]),
        ("fixo (11) 3333-4444", ["(11) 3333-4444"]),
        ("+55 (11) 9 1234-5678", ["+55 (11) 9 1234-5678"]),
        ("liga 011912345678", ["011912345678"]),
        ("num 5511912345678 ali", ["5511912345678"]),
        ("11912345678", ["11912345678"]),
        ("(85) 8204-7737 ou (85) 98204-7737", ["(85) 8204-7737", "(85) 98204-7737"]),
        ("sac 0800 123 4567", ["0800 123 4567"]),
        ("escritório de NY +1 650 253 0000", ["+1 650 253 0000"]),
        ("processo 0001234-56.2024.8.26.0100, tel 11 91234-5678", ["11 91234-5678"]),
        # negatives
        ("processo 0001234-56.2024.8.26.0100", []),
        ("processo 0021498-56.2024.8.26.0100 segue", []),  # 0021 looks like an int'l prefix
        ("valor R$ 1.234,56", []),
        ("valor R$ 12.345.678,90", []),
        ("em 12/03/2024 às 14:30", []),
        ("audiência 2024-03-12 09:30", []),
        ("cpf 123.456.789-09", []),
        ("protocolo 20240312123456", []),
        ("91234-5678", []),  # no area code
        ("(11) 1234-5678", []),  # not a valid Brazilian number
        ("ok 1234567", []),  # fewer than 8 digits: not even looked at
        ("", []),
    ],
)
def test_phone_table(text, expected):
    spans = RECOGNIZER.analyze(text)
    assert [s.text for s in spans] == expected
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.entity == "PHONE"
        assert to_e164(span.text) is not None  # redaction can always canonicalise it


def test_context_word_raises_score():
    plain = RECOGNIZER.analyze("x (11) 91234-5678")[0].score
    assert RECOGNIZER.analyze("meu zap (11) 91234-5678")[0].score > plain


def test_prefilter_skips_texts_with_few_digits():
    assert not RECOGNIZER.prefilter("bom dia, tudo certo? 1234")
    assert RECOGNIZER.prefilter("11 9 1234-5678")
