"""PIX keys: random keys (UUIDs) anywhere, and e-mail/phone/CPF/CNPJ keys next to "pix".

A random key ("chave aleatória") is a UUID, which chat users hardly write for anything else:
it counts by itself and scores high next to "pix"/"chave". An e-mail, phone, CPF or CNPJ
written as the key ("pix: KEY", "meu pix é KEY" within the context window after the word, or
"KEY é meu pix") is reported as PIX_KEY instead of its own type, so the reviewer sees it was a
payment key; redaction still gives it the pseudonym of the e-mail,
phone or document it is (see pipelines/privacy/redaction.py).
"""

from __future__ import annotations

import re
from typing import ClassVar

from models.recognizers.base import PiiSpan, Recognizer, fold_text
from models.recognizers.cnpj_recognizer import CnpjRecognizer
from models.recognizers.cpf_recognizer import CpfRecognizer
from models.recognizers.email_recognizer import EmailRecognizer
from models.recognizers.phone_recognizer import PhoneRecognizer

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_PIX_WORD = re.compile(r"(?<!\w)pix(?!\w)")
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")
_KEY_BEFORE = re.compile(
    r"\W*(?:e|eh|esse e|essa e|e a chave|e o)\W+(?:(?:meu|minha|o|a|do|da|de)\s+){0,2}(?:chave\s+)?"
)


class PixKeyRecognizer(Recognizer):
    ENTITY = "PIX_KEY"
    BATCH_PREFILTER: ClassVar[str | None] = r"(?i)pix|[0-9a-f]{8}-[0-9a-f]{4}-"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        ("pix_random_key", rf"(?<![\w-]){UUID}(?![\w-])", 0.6),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "pix", "chave", "chave aleatoria", "chave pix", "transferencia", "transfere", "manda",
        "pagamento", "paga", "deposito",
    ]  # fmt: skip
    CONTEXT_WINDOW: ClassVar[int] = 40
    KEY_SCORE: ClassVar[float] = 1.0

    def __init__(self) -> None:
        super().__init__()
        self._keys = [EmailRecognizer(), PhoneRecognizer(), CpfRecognizer(), CnpjRecognizer()]

    def prefilter(self, text: str) -> bool:
        return text.count("-") >= 4 or "pix" in text.lower()

    def find(self, text: str) -> list[PiiSpan]:
        spans = super().find(text)
        folded = fold_text(text)
        anchors = [m.start() for m in _PIX_WORD.finditer(folded)]
        if not anchors:
            return spans
        random_keys = [(s.start, s.end) for s in spans]
        for recognizer in self._keys:
            if not recognizer.prefilter(text):
                continue
            for span in recognizer.find(text):
                if any(span.start < e and span.end > s for s, e in random_keys):
                    continue  # digits inside a UUID
                if any(self._is_key_of(folded, span, a) for a in anchors):
                    spans.append(
                        PiiSpan(span.start, span.end, self.ENTITY, span.text, self.KEY_SCORE)
                    )
        return spans

    def _is_key_of(self, folded: str, span: PiiSpan, anchor: int) -> bool:
        """ "pix: KEY" / "meu pix é KEY" (after, within the window) or "KEY é meu pix" (before)."""
        if span.start >= anchor + 3:
            between = folded[anchor + 3 : span.start]
            return len(between) <= self.CONTEXT_WINDOW and _SENTENCE_END.search(between) is None
        if span.end <= anchor:
            return _KEY_BEFORE.fullmatch(folded, span.end, anchor) is not None
        return False
