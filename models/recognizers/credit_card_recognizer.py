"""Payment card numbers: 13 to 19 digits that pass the Luhn check and start like a card.

Grouped spellings ("4111 1111 1111 1111", "4111-1111-1111-1111") count by themselves; a bare
run of digits needs a context word ("cartão", "crédito", "visa"), since one random number in
ten passes Luhn.
"""

from __future__ import annotations

import re
from typing import ClassVar

from models.recognizers.base import Recognizer, count_digits

_LEFT = r"(?<![\w.,/-])"
_RIGHT = r"(?![\w]|[.,/-]\w)"
_NON_DIGITS = re.compile(r"\D+")
# issuer prefixes: Visa 4, Mastercard 51-55/22-27, Amex 34/37, Diners 30/36/38, Elo/Discover/
# Hipercard 5x/6x; anything starting 0, 1, 7, 8 or 9 is not a payment card
_ISSUER = re.compile(r"[2-6]")


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check over a string of digits."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class CreditCardRecognizer(Recognizer):
    ENTITY = "CREDIT_CARD"
    BATCH_PREFILTER: ClassVar[str | None] = r"\d{4}[ -]?\d{4,6}[ -]?\d{4}"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("card_4x4", _LEFT + r"\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?" + _RIGHT, 0.75),
        ("card_amex", _LEFT + r"3[47]\d{2}([ -])\d{6}\1\d{5}" + _RIGHT, 0.75),
        ("card_bare", _LEFT + r"\d{15,16}" + _RIGHT, 0.2),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "cartao", "credito", "debito", "visa", "master", "mastercard", "elo", "amex",
        "hipercard", "american express", "numero do cartao", "cvv", "validade", "fatura",
    ]  # fmt: skip
    MIN_SCORE: ClassVar[float] = 0.4

    def prefilter(self, text: str) -> bool:
        return count_digits(text) >= 13

    def validate(self, match_text: str) -> bool:
        digits = _NON_DIGITS.sub("", match_text)
        return (
            13 <= len(digits) <= 19
            and _ISSUER.match(digits) is not None
            and len(set(digits)) > 1
            and luhn_ok(digits)
        )
