"""OAB registration of a lawyer: "OAB/SP 123.456", "OAB-RJ nº 98765", "123.456/SP", "12345-A/MG".

The number is per state bar (UF), up to six digits, with an optional letter for supplementary
("-A") or trainee ("-E") registrations. Spelled with "OAB" it counts by itself; the short
"123456/RJ" form needs a context word ("oab", "advogado", "dr") nearby.
"""

from __future__ import annotations

from typing import ClassVar

from models.recognizers.base import Recognizer

_UF = r"(?:ac|al|ap|am|ba|ce|df|es|go|ma|mt|ms|mg|pa|pb|pr|pe|pi|rj|rn|rs|ro|rr|sc|sp|se|to)"
_NUMBER = r"\d{1,3}\.?\d{3}(?:-?[abe])?"
_NO = r"(?:n[o.º°]{0,2}\s*|numero\s*)?"


class OabRecognizer(Recognizer):
    ENTITY = "OAB"
    BATCH_PREFILTER: ClassVar[str | None] = r"(?i)oab|\d{3}\s?/\s?[a-z]{2}"
    MATCH_FOLDED = True  # "OAB/SP nº" -> "oab/sp no"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        # OAB/SP 123.456, OAB-SP n. 123456, OAB SP: 123456-A
        ("oab_uf_number", rf"(?<!\w)oab\s*[/-]?\s*{_UF}\s*[:,]?\s*{_NO}{_NUMBER}(?!\w|\.\d)", 0.9),
        # OAB 123.456/SP, OAB nº 123456-SP
        ("oab_number_uf", rf"(?<!\w)oab\s*:?\s*{_NO}{_NUMBER}\s*[/-]\s*{_UF}(?!\w)", 0.9),
        # 123.456/SP (needs context; five digits at least, so "2024/SP" is not one)
        ("number_uf", rf"(?<![\w./-])\d{{2,3}}\.?\d{{3}}(?:-?[abe])?\s?/\s?{_UF}(?!\w)", 0.2),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "oab", "advogado", "advogada", "adv", "dr", "dra", "doutor", "doutora", "inscricao",
        "inscrito", "inscrita", "ordem dos advogados", "procurador", "procuradora",
    ]  # fmt: skip
    MIN_SCORE: ClassVar[float] = 0.4

    def prefilter(self, text: str) -> bool:
        return "/" in text or "oab" in text.lower()
