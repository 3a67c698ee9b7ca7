"""CEP (Código de Endereçamento Postal): 01310-100, 01.310-100, or 8 bare digits with context.

Valid CEPs run from 01000-000 to 99999-999; the dashed spelling counts by itself, the bare one
needs a context word ("cep", "endereço") because eight digits are also dates and protocols.
"""

from __future__ import annotations

import re
from typing import ClassVar

from models.recognizers.base import Recognizer, count_digits

_LEFT = r"(?<![\w.,/-])"
_RIGHT = r"(?![\w]|[.,/-]\w)"
_NON_DIGITS = re.compile(r"\D+")


class CepRecognizer(Recognizer):
    ENTITY = "CEP"
    BATCH_PREFILTER: ClassVar[str | None] = r"\d{2}\.?\d{3}-?\d{3}"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("cep_dashed", _LEFT + r"\d{5}-\d{3}" + _RIGHT, 0.5),
        ("cep_dotted", _LEFT + r"\d{2}\.\d{3}-\d{3}" + _RIGHT, 0.5),
        ("cep_bare", _LEFT + r"\d{8}" + _RIGHT, 0.1),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "cep", "c.e.p", "codigo postal", "endereco", "end", "rua", "avenida", "av", "bairro",
        "moro", "mora", "resido", "reside", "residencia", "correio", "correios",
    ]  # fmt: skip
    MIN_SCORE: ClassVar[float] = 0.4

    def prefilter(self, text: str) -> bool:
        return count_digits(text) >= 8

    def validate(self, match_text: str) -> bool:
        digits = _NON_DIGITS.sub("", match_text)
        return len(digits) == 8 and digits >= "01000000" and digits != digits[0] * 8
