"""CNJ unified lawsuit numbers (Res. CNJ 65/2008): NNNNNNN-DD.AAAA.J.TR.OOOO.

Not personal data by themselves, but a lawsuit number leads to its parties, so it is redacted
with its own token. The check digits DD follow ISO 7064 mod 97-10: the number read as
NNNNNNN AAAA J TR OOOO DD is 1 modulo 97. The bare 20-digit spelling counts with context.
"""

from __future__ import annotations

import re
from typing import ClassVar

from models.recognizers.base import Recognizer, count_digits

_LEFT = r"(?<![\d.-])"
_RIGHT = r"(?![\d]|[.-]\d)"
_NON_DIGITS = re.compile(r"\D+")


def cnj_check_digits_ok(value: str) -> bool:
    """True for a 20-digit CNJ number (any punctuation) whose DD satisfy ISO 7064 mod 97-10."""
    digits = _NON_DIGITS.sub("", value)
    if len(digits) != 20:
        return False
    seq, check, rest = digits[:7], digits[7:9], digits[9:]
    return int(seq + rest + check) % 97 == 1


def cnj_digits(value: str) -> str:
    """The 20 digits of a CNJ number, in the written order (NNNNNNN DD AAAA J TR OOOO)."""
    return _NON_DIGITS.sub("", value)


class CnjProcessRecognizer(Recognizer):
    ENTITY = "CNJ_PROCESS"
    BATCH_PREFILTER: ClassVar[str | None] = r"\d{7}[-. ]?\d{2}"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("cnj_formatted", _LEFT + r"\d{7}-\d{2}\.\d{4}\.\d\.\d{2}\.\d{4}" + _RIGHT, 0.95),
        # a space or a missing separator here and there, as people copy numbers
        (
            "cnj_loose",
            _LEFT + r"\d{7}[-. ]?\d{2}[. ]?\d{4}[. ]?\d[. ]?\d{2}[. ]?\d{4}" + _RIGHT,
            0.6,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "processo", "proc", "autos", "acao", "numero do processo", "cnj", "vara", "tribunal",
        "recurso", "execucao", "reclamacao trabalhista",
    ]  # fmt: skip

    def prefilter(self, text: str) -> bool:
        return count_digits(text) >= 20

    def validate(self, match_text: str) -> bool:
        return cnj_check_digits_ok(match_text)
