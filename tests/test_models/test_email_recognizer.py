import pytest

from models.recognizers.email_recognizer import EmailRecognizer

RECOGNIZER = EmailRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("manda para ana.souza@escritorio.com.br.", ["ana.souza@escritorio.com.br"]),
        ("e-mail: joao_silva+docs@gmail.com, obrigado", ["joao_silva+docs@gmail.com"]),
        ("<BIA@EMPRESA.COM>", ["BIA@EMPRESA.COM"]),
        ("a@b.co e c.d@e-f.org", ["a@b.co", "c.d@e-f.org"]),
        # negatives
        ("me marca @joao no grupo", []),
        ("x@y", []),
        ("a..b@x.com", []),
        (".a@x.com", []),
        ("a@-x.com", []),
        ("fulano@localhost", []),
        ("preço 10@20.5", []),
        ("", []),
        ("sem arroba aqui", []),
    ],
)
def test_email_table(text, expected):
    spans = RECOGNIZER.analyze(text)
    assert [s.text for s in spans] == expected
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.entity == "EMAIL"


def test_context_word_raises_score():
    assert (
        RECOGNIZER.analyze("meu e-mail é a@b.com")[0].score > RECOGNIZER.analyze("a@b.com")[0].score
    )
