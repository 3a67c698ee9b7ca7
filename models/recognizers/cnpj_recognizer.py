"""CNPJ (Cadastro Nacional da Pessoa Jurídica): 12.345.678/0001-95 or 14 bare digits.

Both mod-11 check digits are verified, and the alphanumeric CNPJ that the Receita Federal
issues from July 2026 (letters in the first 12 positions, e.g. 12.ABC.345/01DE-35) is accepted
in its formatted spelling, where each character counts as its ASCII code minus 48. A bare
14-digit number needs a context word ("cnpj", "empresa", ...) to count.
"""

from __future__ import annotations

from typing import ClassVar

from models.recognizers.base import Recognizer, count_digits

_LEFT = r"(?<![\w.,/-])"
_RIGHT = r"(?![\w]|[.,/-]\w)"
_WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def cnpj_check_digits_ok(value: str) -> bool:
    """True for 14 characters (12 alphanumeric + 2 digits) whose mod-11 check digits match."""
    chars = "".join(ch for ch in value.upper() if ch.isalnum())
    if len(chars) != 14 or not chars[12:].isdigit() or not chars[:12].isascii():
        return False
    if not chars[:12].isalnum() or chars == chars[0] * 14:
        return False
    nums = [ord(ch) - 48 for ch in chars]
    for size in (12, 13):
        total = sum(n * w for n, w in zip(nums[:size], _WEIGHTS[13 - size :], strict=True))
        check = 0 if total % 11 < 2 else 11 - total % 11
        if check != nums[size]:
            return False
    return True


class CnpjRecognizer(Recognizer):
    ENTITY = "CNPJ"
    BATCH_PREFILTER: ClassVar[str | None] = (
        r"[0-9A-Z]{2}\.?[0-9A-Z]{3}\.?[0-9A-Z]{3}/?[0-9A-Z]{4}-?\d{2}"
    )
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("cnpj_formatted", _LEFT + r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}" + _RIGHT, 0.9),
        (
            "cnpj_alphanumeric",
            _LEFT + r"[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}/[0-9A-Z]{4}-\d{2}" + _RIGHT,
            0.85,
        ),
        ("cnpj_slash_only", _LEFT + r"\d{8}/\d{4}-?\d{2}" + _RIGHT, 0.7),
        ("cnpj_bare", _LEFT + r"\d{14}" + _RIGHT, 0.3),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "cnpj", "c.n.p.j", "empresa", "razao social", "pessoa juridica", "ltda", "eireli",
        "s/a", "s.a", "mei", "receita federal", "inscricao",
    ]  # fmt: skip
    MIN_SCORE: ClassVar[float] = 0.4

    def prefilter(self, text: str) -> bool:
        return "/" in text or count_digits(text) >= 14

    def validate(self, match_text: str) -> bool:
        return cnpj_check_digits_ok(match_text)
