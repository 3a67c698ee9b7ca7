from datetime import date

import pytest

from models.recognizers.date_of_birth_recognizer import (
    DateOfBirthRecognizer,
    birth_date_iso,
    parse_birth_date,
)

RECOGNIZER = DateOfBirthRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nasci em 12/03/1985", ["12/03/1985"]),
        ("DN: 03.07.90", ["03.07.90"]),
        ("data de nascimento 5 de março de 1979", ["5 de março de 1979"]),
        ("Data de Nascimento: 01-12-1960", ["01-12-1960"]),
        ("ele nasceu em 29/02/2000", ["29/02/2000"]),
        # negatives
        ("audiência em 12/03/2025 às 14:30", []),  # a date without a birth word
        ("nasci em 31/02/1985", []),  # no such day
        ("nascido em 12/03/2099", []),  # in the future
        ("em 12/03/1985 leve a certidão de nascimento", []),  # the birth word comes after
        ("nasci em 1985", []),  # a year alone
        ("", []),
    ],
)
def test_date_of_birth_table(text, expected):
    assert [s.text for s in RECOGNIZER.analyze(text)] == expected


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [("12", "03", "1985", date(1985, 3, 12)), ("1", "março", "1979", date(1979, 3, 1)),
     ("3", "7", "90", date(1990, 7, 3)), ("3", "7", "05", date(2005, 7, 3)),
     ("30", "02", "1990", None), ("1", "1", "1899", None)],
)  # fmt: skip
def test_parse_birth_date(day, month, year, expected):
    assert parse_birth_date(day, month.replace("ç", "c"), year, today=date(2026, 11, 1)) == expected


def test_iso_of_matched_text():
    assert birth_date_iso("12/03/1985") == "1985-03-12"
    assert birth_date_iso("5 de Março de 1979") == "1979-03-05"
    assert birth_date_iso("31/02/1985") is None
