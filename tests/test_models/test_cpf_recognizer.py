import pytest
from faker import Faker

from models.recognizers.cpf_recognizer import CpfRecognizer, cpf_check_digits_ok

RECOGNIZER = CpfRecognizer()


def spans_of(text):
    return [(s.start, s.end, s.text) for s in RECOGNIZER.analyze(text)]


def at(text, part):
    start = text.index(part)
    return (start, start + len(part), part)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("meu cpf é 529.982.247-25", ["529.982.247-25"]),
        ("CPF: 111.444.777-35.", ["111.444.777-35"]),
        ("cpf 52998224725 ok", ["52998224725"]),
        ("documento 529982247-25", ["529982247-25"]),
        ("dois: 529.982.247-25 e 111.444.777-35", ["529.982.247-25", "111.444.777-35"]),
        ("(123.456.789-09)", ["123.456.789-09"]),
        # negatives
        ("cpf 529.982.247-24", []),  # wrong check digit
        ("cpf 52998224726", []),
        ("111.111.111-11", []),  # one repeated digit passes the checksum, still rejected
        ("00000000000", []),
        ("processo 0001234-56.2024.8.26.0100", []),  # CNJ lawsuit number
        ("valor R$ 1.234.567.890,12", []),
        ("conta 1.529.982.247-25", []),  # part of a longer number
        ("5299822472512", []),  # 13 digits
        ("data 12/03/2024 14:30", []),
        ("", []),
        ("sem números aqui", []),
    ],
)
def test_cpf_table(text, expected):
    assert spans_of(text) == [at(text, part) for part in expected]


def test_random_eleven_digit_numbers_with_wrong_check_digits_not_flagged():
    fake = Faker("pt_BR")
    fake.seed_instance(3)
    for _ in range(200):
        digits = fake.cpf().replace(".", "").replace("-", "")
        wrong = digits[:9] + f"{(int(digits[9:]) + 1) % 100:02d}"
        assert RECOGNIZER.analyze(f"numero {wrong}") == []


def test_generated_valid_cpfs_found_formatted_and_bare():
    fake = Faker("pt_BR")
    fake.seed_instance(4)
    for _ in range(200):
        formatted = fake.cpf()
        bare = formatted.replace(".", "").replace("-", "")
        assert [s.text for s in RECOGNIZER.analyze(f"o cpf {formatted} ok")] == [formatted]
        assert [s.text for s in RECOGNIZER.analyze(f"o cpf {bare} ok")] == [bare]


def test_context_word_raises_score():
    without = RECOGNIZER.analyze("numero 52998224725")[0].score
    with_context = RECOGNIZER.analyze("meu CPF 52998224725")[0].score
    assert with_context > without
    assert RECOGNIZER.analyze("x 529.982.247-25")[0].score > without  # formatted beats bare


@pytest.mark.parametrize(
    ("digits", "ok"),
    [("52998224725", True), ("11144477735", True), ("52998224724", False),
     ("22222222222", False), ("5299822472", False), ("5299822472a", False)],
)  # fmt: skip
def test_check_digits(digits, ok):
    assert cpf_check_digits_ok(digits) is ok
