import pytest

from models.recognizers.pix_key_recognizer import PixKeyRecognizer

RECOGNIZER = PixKeyRecognizer()
UUID = "123e4567-e89b-42d3-a456-426614174000"
UUID2 = "bc8adf86-6f78-46e1-95dc-d61965833941"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"chave pix: {UUID}", [UUID]),
        (f"{UUID.upper()}", [UUID.upper()]),  # a UUID in chat is a random key, even alone
        ("meu pix é ana@x.com.br", ["ana@x.com.br"]),
        ("chave pix 529.982.247-25", ["529.982.247-25"]),
        ("pix: (11) 91234-5678", ["(11) 91234-5678"]),
        ("PIX 11.222.333/0001-81", ["11.222.333/0001-81"]),
        ("ana@x.com.br é meu pix", ["ana@x.com.br"]),
        (f"faz o pix na chave {UUID2}", [UUID2]),  # not the phone-like digits inside it
        # negatives
        ("manda no 11 91234-5678", []),  # a phone without "pix" is a phone
        ("meu pix é ana@x.com.br. cpf 529.982.247-25", ["ana@x.com.br"]),  # next sentence
        ("meu cpf é 529.982.247-25, pix amanhã", []),
        ("pix de R$ 300,00 feito", []),
        ("pix 529.982.247-24", []),  # invalid CPF
        ("123e4567-e89b-42d3-a456-42661417400", []),  # one hex digit short
        ("", []),
    ],
)  # fmt: skip
def test_pix_table(text, expected):
    spans = RECOGNIZER.analyze(text)
    assert [s.text for s in spans] == expected
    assert all(s.entity == "PIX_KEY" for s in spans)


def test_pix_context_raises_random_key_score():
    assert RECOGNIZER.analyze(f"chave {UUID}")[0].score > RECOGNIZER.analyze(UUID)[0].score
