"""RG (Registro Geral, the state identity card): 12.345.678-9, MG-12.345.678, 123456789.

Every state numbers its own cards, so only São Paulo's check digit can be verified (mod 11
with weights 2..9, where 10 is written X). A formatted number that passes it counts by itself;
any other spelling, or one that fails it (other states use other rules), needs a context word
("rg", "identidade") nearby: seven to nine bare digits are also protocols and accounts.
"""

from __future__ import annotations

import re
from typing import ClassVar

from models.recognizers.base import PiiSpan, Recognizer, count_digits

_LEFT = r"(?<![\w.,/-])"
_RIGHT = r"(?![\w]|[.,/-]\w)"
_UF = r"(?:AC|AL|AP|AM|BA|CE|DF|ES|GO|MA|MT|MS|MG|PA|PB|PR|PE|PI|RJ|RN|RS|RO|RR|SC|SP|SE|TO)"
_SP_FORMAT = re.compile(r"\d{1,2}\.\d{3}\.\d{3}-[\dXx]")


def rg_sp_check_digit_ok(value: str) -> bool:
    """São Paulo RG: 8 digits + check digit (mod 11, weights 2..9; 10 is 'X')."""
    chars = "".join(ch for ch in value.upper() if ch.isdigit() or ch == "X")
    if len(chars) != 9 or not chars[:8].isdigit() or chars[:8] == chars[0] * 8:
        return False
    total = sum(int(d) * w for d, w in zip(chars[:8], range(2, 10), strict=True))
    check = 11 - total % 11
    expected = "0" if check == 11 else "X" if check == 10 else str(check)
    return chars[8] == expected


class RgRecognizer(Recognizer):
    ENTITY = "RG"
    BATCH_PREFILTER: ClassVar[str | None] = r"\d{1,2}\.?\d{3}\.?\d{3}|\d{7}"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("rg_sp_formatted", _LEFT + r"\d{1,2}\.\d{3}\.\d{3}-[\dXx]" + _RIGHT, 0.5),
        ("rg_state_prefix", _LEFT + _UF + r"[- ]?\d{1,2}\.?\d{3}\.?\d{3}" + _RIGHT, 0.3),
        ("rg_dotted", _LEFT + r"\d{1,2}\.\d{3}\.\d{3}" + _RIGHT, 0.1),
        ("rg_bare", _LEFT + r"\d{7,9}(?:-?[Xx]|-\d)?" + _RIGHT, 0.1),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "rg", "r.g", "identidade", "carteira de identidade", "registro geral", "ssp", "sesp",
        "detran", "orgao emissor", "documento de identidade", "cedula de identidade", "ci",
    ]  # fmt: skip
    CONTEXT_WINDOW: ClassVar[int] = 30
    MIN_SCORE: ClassVar[float] = 0.4

    def prefilter(self, text: str) -> bool:
        return count_digits(text) >= 7

    def validate(self, match_text: str) -> bool:
        digits = "".join(ch for ch in match_text if ch.isdigit())
        return len(set(digits)) > 1

    def find(self, text: str) -> list[PiiSpan]:
        spans = []
        for span in super().find(text):
            if _SP_FORMAT.fullmatch(span.text) and not rg_sp_check_digit_ok(span.text):
                # another state's check digit, or a typo: only with a context word
                span = self.make_span(text, span.start, span.end, 0.1)
            if span is not None:
                spans.append(span)
        return spans
