"""Dates of birth, only where the text says so: "nasci em 12/03/1985", "DN: 03.07.90",
"data de nascimento 5 de março de 1979".

Any other date (a hearing, a deadline) is not personal data, so a date counts only when a
birth word stands *before* it, within CONTEXT_WINDOW characters. The date must exist and lie in
the past (two-digit years are read as 19xx or 20xx, whichever is not in the future).
"""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar

from models.recognizers.base import PiiSpan, Recognizer, fold_text

MONTHS = {
    "janeiro": 1, "fevereiro": 2, "marco": 3, "abril": 4, "maio": 5, "junho": 6, "julho": 7,
    "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    "jan": 1, "fev": 2, "mar": 3, "abr": 4, "mai": 5, "jun": 6, "jul": 7, "ago": 8, "set": 9,
    "out": 10, "nov": 11, "dez": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-]?\d)")
_WRITTEN = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:o|º)?\s+de\s+({_MONTH})\.?\s+(?:de\s+)?(\d{{4}})(?!\d)"
)


def parse_birth_date(day: str, month: str, year: str, today: date | None = None) -> date | None:
    """The date, when it exists and is not in the future; None otherwise."""
    today = today or date.today()
    y = int(year)
    if len(year) == 2:
        y += 2000 if 2000 + y <= today.year else 1900
    m = MONTHS.get(month) if not month.isdigit() else int(month)
    try:
        born = date(y, m or 0, int(day))
    except ValueError:
        return None
    return born if date(1900, 1, 1) <= born <= today else None


class DateOfBirthRecognizer(Recognizer):
    ENTITY = "DATE_OF_BIRTH"
    BATCH_PREFILTER: ClassVar[str | None] = r"(?i)nasc|dn|d\.n|aniv"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = []  # see find: dates before context
    CONTEXT: ClassVar[list[str]] = [
        "nasci", "nasceu", "nascido", "nascida", "nascimento", "data de nascimento",
        "dt nasc", "dt. nasc", "dn", "d.n", "d.n.", "nasc", "aniversario", "natalicio",
    ]  # fmt: skip
    CONTEXT_WINDOW: ClassVar[int] = 30  # before the date only
    SCORE: ClassVar[float] = 0.85

    def prefilter(self, text: str) -> bool:
        folded = text.lower()
        return ("nasc" in folded or "dn" in folded or "d.n" in folded or "aniv" in folded) and any(
            ch.isdigit() for ch in text
        )

    def find(self, text: str) -> list[PiiSpan]:
        folded = fold_text(text)
        spans = []
        for match in (*_NUMERIC.finditer(folded), *_WRITTEN.finditer(folded)):
            born = _parse_match(match)
            if born is not None and self._context_before(folded, match.start()):
                start, end = match.span()
                spans.append(PiiSpan(start, end, self.ENTITY, text[start:end], self.SCORE))
        return spans

    def _context_before(self, folded: str, start: int) -> bool:
        assert self._context is not None
        return self._context.search(folded[max(0, start - self.CONTEXT_WINDOW) : start]) is not None


def birth_date_iso(span_text: str) -> str | None:
    """ISO form of a date as the recognizer matched it ("12/03/1985" -> "1985-03-12")."""
    folded = fold_text(span_text)
    for regex in (_NUMERIC, _WRITTEN):
        match = regex.fullmatch(folded)
        if match is not None:
            born = _parse_match(match)
            return born.isoformat() if born else None
    return None


def _parse_match(match: re.Match) -> date | None:
    groups = match.groups()
    day, month, year = (groups[0], groups[2], groups[3]) if len(groups) == 4 else groups
    return parse_birth_date(day, month, year)
