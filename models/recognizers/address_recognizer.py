"""Street addresses: a street type, a name and a house number, e.g. "Rua das Flores, 123",
"Av. Paulista 1578 apto 42", "moro na rua joão de barros 90".

Three spellings: a comma or "nº" before the number counts by itself; a capitalised street name
followed by a number counts a little less; a lowercase name and a bare number ("rua tal 90")
needs a context word ("moro", "endereço"). Numbers followed by a unit ("3 horas", "2 vezes",
"300 reais") are not house numbers. The span runs from the street type to the number and any
complement ("apto 42", "casa 2", "bloco B"); a CEP is left to its own recognizer.
"""

from __future__ import annotations

import re
from typing import ClassVar

from models.recognizers.base import Recognizer

_TYPE = (
    r"(?<![\w.])(?i:rua|r\.|avenida|av\.?|alameda|al\.|travessa|trav\.?|tv\.|pra[çc]a|p[çc]a\.?"
    r"|estrada|estr\.|rodovia|rod\.|largo|lgo\.|viela|ladeira|servid[ãa]o|beco)"
)
_CONNECTOR = r"(?:d[aeo]s?|de|e|d')"
_CAP_WORD = r"[A-ZÀ-Ý0-9][\wÀ-ÿ'.-]*"
_ANY_WORD = r"[\wÀ-ÿ'-][\wÀ-ÿ'.-]*"
_CAP_NAME = rf"{_CAP_WORD}(?:\s+(?:{_CONNECTOR}|{_CAP_WORD})){{0,5}}?"
_ANY_NAME = rf"{_ANY_WORD}(?:\s+{_ANY_WORD}){{0,5}}?"
_NUMBER = r"\d{1,5}(?:-?[A-Za-z](?![\w]))?"
_NOT_A_UNIT = (
    r"(?![\d:/,.]\d|\s*(?i:h\b|hs\b|hrs?\b|horas?|min|dias?|vezes|reais|mil\b|anos?|meses|mes\b"
    r"|semanas?|%|km|metros|m\b|x\b|ª|º|°))"
)
_COMPLEMENT = (
    r"(?:\s*[,-]?\s*(?i:apto?\.?|apartamento|ap\.?|casa|bloco|bl\.?|sala|cj\.?|conjunto|lote"
    r"|lt\.?|quadra|qd\.?|fundos|loja)\s*(?:n[º°o]\.?\s*)?[\w-]{0,5}(?![\w]))*"
)
_NO = r"(?i:n[º°o.]{1,2}|numero|número)"


class AddressRecognizer(Recognizer):
    ENTITY = "ADDRESS"
    BATCH_PREFILTER: ClassVar[str | None] = (
        r"(?i)rua|r\.|av|alameda|al\.|trav|tv\.|pra[çc]a|p[çc]a|estr|rod|largo|lgo\.|viela|ladeira|servid|beco"
    )
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        # Rua das Flores, 123 / rua tal nº 45 / Av. Brasil, n. 1000 - apto 12
        (
            "street_comma_number",
            rf"{_TYPE}\s+{_ANY_NAME}(?:\s*,\s*(?:{_NO}\s*)?|\s+{_NO}\s*){_NUMBER}{_NOT_A_UNIT}"
            + _COMPLEMENT,
            0.7,
        ),
        # Rua Augusta 1500
        (
            "street_capitalised_number",
            rf"{_TYPE}\s+{_CAP_NAME}\s+{_NUMBER}{_NOT_A_UNIT}" + _COMPLEMENT,
            0.6,
        ),  # fmt: skip
        # rua joão de barros 90 (with context)
        ("street_number", rf"{_TYPE}\s+{_ANY_NAME}\s+{_NUMBER}{_NOT_A_UNIT}" + _COMPLEMENT, 0.2),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "endereco", "moro", "mora", "moramos", "resido", "reside", "residencia", "residente",
        "domicilio", "domiciliado", "domiciliada", "fica na", "fica no", "cep", "bairro",
        "entrega", "correspondencia", "casa", "apartamento",
    ]  # fmt: skip
    MIN_SCORE: ClassVar[float] = 0.4
    _TYPE_WORD = re.compile(
        r"(?<![\w.])(?:rua|r\.|av|avenida|alameda|al\.|trav|tv\.|pra[çc]a|p[çc]a|estrada|estr\."
        r"|rodovia|rod\.|largo|lgo\.|viela|ladeira|servid|beco)",
        re.IGNORECASE,
    )

    def prefilter(self, text: str) -> bool:
        return self._TYPE_WORD.search(text) is not None and any(ch.isdigit() for ch in text)
