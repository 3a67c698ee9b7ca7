"""CPF (Cadastro de Pessoas Físicas): 123.456.789-09, 123456789-09 or 11 bare digits.

Check digits are verified (mod 11) and numbers of one repeated digit are rejected, so a random
11-digit number is flagged only about 1 time in 100, and then with a low score unless a
context word ("cpf", "documento", ...) is near.
"""

from __future__ import annotations

from typing import ClassVar

from models.recognizers.base import Recognizer, count_digits

# not inside a longer run of digits / dotted or dashed number (lawsuit numbers, amounts)
_LEFT = r"(?<!\d)(?<!\d[.,/-])"
_RIGHT = r"(?!\d|[.,/-]\d)"


def cpf_check_digits_ok(digits: str) -> bool:
    """True for 11 digits whose two mod-11 check digits match and that are not all the same."""
    if len(digits) != 11 or not digits.isdigit() or digits == digits[0] * 11:
        return False
    nums = [int(d) for d in digits]
    for size in (9, 10):
        total = sum(n * w for n, w in zip(nums[:size], range(size + 1, 1, -1), strict=True))
        check = (total * 10) % 11 % 10
        if check != nums[size]:
            return False
    return True


class CpfRecognizer(Recognizer):
    ENTITY = "CPF"
    BATCH_PREFILTER: ClassVar[str | None] = r"\d{3}\.?\d{3}\.?\d{3}-?\d{2}"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("cpf_formatted", _LEFT + r"\d{3}\.\d{3}\.\d{3}-\d{2}" + _RIGHT, 0.85),
        ("cpf_dashed", _LEFT + r"\d{9}-\d{2}" + _RIGHT, 0.6),
        ("cpf_bare", _LEFT + r"\d{11}" + _RIGHT, 0.4),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "cpf", "c.p.f", "cadastro de pessoa fisica", "cadastro de pessoas fisicas",
        "documento", "doc", "receita federal",
    ]  # fmt: skip

    def prefilter(self, text: str) -> bool:
        return count_digits(text) >= 11

    def validate(self, match_text: str) -> bool:
        return cpf_check_digits_ok("".join(ch for ch in match_text if ch.isdigit()))
