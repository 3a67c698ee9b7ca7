import pytest

from models.recognizers.address_recognizer import AddressRecognizer

RECOGNIZER = AddressRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moro na Rua das Flores, 123 apto 45", ["Rua das Flores, 123 apto 45"]),
        ("Av. Paulista 1578", ["Av. Paulista 1578"]),
        ("moro na rua joão de barros 90", ["rua joão de barros 90"]),
        ("Rua Augusta, nº 1500 - casa 2, bairro Centro", ["Rua Augusta, nº 1500 - casa 2"]),
        ("endereço: R. XV de Novembro, 200", ["R. XV de Novembro, 200"]),
        ("Travessa Santa Luzia n. 12", ["Travessa Santa Luzia n. 12"]),
        # negatives
        ("tava na rua ontem, 3 horas", []),
        ("fui na rua 2 vezes", []),
        ("rua tal 90", []),  # lowercase street and bare number without a context word
        ("a audiência é na 3ª Vara Cível, 14:30", []),
        ("Avenida Paulista", []),  # no house number
        ("R$ 1.500,00", []),
        ("", []),
    ],
)
def test_address_table(text, expected):
    assert [s.text for s in RECOGNIZER.analyze(text)] == expected
