from random import Random

import pytest

from models.recognizers.cnj_process_recognizer import CnjProcessRecognizer, cnj_check_digits_ok
from pipelines.synthetic.slots import cnj_number

RECOGNIZER = CnjProcessRecognizer()
NUMBERS = [cnj_number(Random(i), 2000 + i, seg) for i, seg in enumerate(["8.26", "5.02", "4.03"])]


def wrong(number: str) -> str:
    dd = int(number[8:10])
    return f"{number[:8]}{(dd + 1) % 100:02d}{number[10:]}"


@pytest.mark.parametrize("number", NUMBERS)
def test_valid_numbers_found_formatted_and_bare(number):
    assert [s.text for s in RECOGNIZER.analyze(f"processo {number} concluso")] == [number]
    bare = number.replace("-", "").replace(".", "")
    assert [s.text for s in RECOGNIZER.analyze(f"autos {bare}")] == [bare]
    assert RECOGNIZER.analyze(f"processo {number}")[0].score >= 0.95


@pytest.mark.parametrize("number", NUMBERS)
def test_wrong_check_digits_rejected(number):
    assert RECOGNIZER.analyze(f"processo {wrong(number)}") == []


@pytest.mark.parametrize(
    "text",
    ["cpf 529.982.247-25", "tel 11 91234-5678", "valor R$ 1.234.567,89", "em 12/03/2024 14:30",
     "protocolo 20240312123456", "codigo 123456789012345678901", ""],
)  # fmt: skip
def test_look_alikes_not_flagged(text):
    assert RECOGNIZER.analyze(text) == []


def test_check_digits_iso_7064():
    assert cnj_check_digits_ok("0001234-56.2024.8.26.0100") is (
        int("0001234" + "2024826" + "0100" + "56") % 97 == 1
    )
    assert all(cnj_check_digits_ok(n) for n in NUMBERS)
    assert not cnj_check_digits_ok("123")
