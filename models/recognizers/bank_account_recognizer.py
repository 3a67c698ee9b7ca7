"""Bank branch and account: "agência 1234 conta 12345-6", "ag: 0001 / c/c 98765-4", "conta 123456".

Only numbers right after a banking word count (a bare "12345-6" is anything). When a branch
and an account follow each other, one span covers both ("agência [CONTA P-…]"), since the pair
is what identifies the account.
"""

from __future__ import annotations

import re
from typing import ClassVar

from models.recognizers.base import PiiSpan, Recognizer, fold_text

_NO = r"(?:\s*n[o.º°]{0,2}|\s*numero)?"
_SEP = r"\s*[:=]?\s*"
_BRANCH_WORD = r"(?:agencia|ag\.?)"
_ACCOUNT_WORD = (
    r"(?:conta(?:[\s-]+(?:corrente|poupanca|salario|pagamento))?|c/c|c\.c\.?|cc|c/p|cp|ct)"
)
_BRANCH = r"(\d{3,5}(?:-[\dx])?)"
_ACCOUNT = r"(\d{1,3}(?:\.\d{3}){1,3}(?:-[\dx])?|\d{3,13}(?:-[\dx])?)"
_END = r"(?![\w]|[.,/-]\d)"
_BRANCH_THEN_ACCOUNT = re.compile(
    rf"(?<!\w){_BRANCH_WORD}{_NO}{_SEP}{_BRANCH}\s*(?:[,;/e-]|\be\b)?\s*"
    rf"{_ACCOUNT_WORD}{_NO}{_SEP}{_ACCOUNT}{_END}"
)
_ACCOUNT_ONLY = re.compile(rf"(?<!\w){_ACCOUNT_WORD}{_NO}{_SEP}{_ACCOUNT}{_END}")
_BRANCH_ONLY = re.compile(rf"(?<!\w){_BRANCH_WORD}{_NO}{_SEP}{_BRANCH}{_END}")
_WORD_THEN_DIGIT = re.compile(r"(?:ag|conta|c/?[cp]|c\.c|ct)\D{0,30}\d", re.IGNORECASE)
_NOT_AMOUNT = re.compile(r"\s*(?:reais|mil|r\$|%)")


class BankAccountRecognizer(Recognizer):
    ENTITY = "BANK_ACCOUNT"
    BATCH_PREFILTER: ClassVar[str | None] = "(?i)" + _WORD_THEN_DIGIT.pattern
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = []  # see find: the words are the pattern
    CONTEXT: ClassVar[list[str]] = [
        "banco", "bradesco", "itau", "santander", "caixa", "nubank", "inter", "sicoob",
        "sicredi", "banco do brasil", "bb", "deposito", "deposita", "transferencia", "ted",
        "doc", "pix", "titular", "favorecido",
    ]  # fmt: skip
    SCORE: ClassVar[float] = 0.7

    def prefilter(self, text: str) -> bool:
        return _WORD_THEN_DIGIT.search(text) is not None

    def find(self, text: str) -> list[PiiSpan]:
        folded = fold_text(text)
        spans: list[PiiSpan] = []
        taken: list[tuple[int, int]] = []
        for regex in (_BRANCH_THEN_ACCOUNT, _ACCOUNT_ONLY, _BRANCH_ONLY):
            for match in regex.finditer(folded):
                start, end = match.start(1), match.end(match.lastindex or 1)
                if any(start < e and end > s for s, e in taken):
                    continue
                if _NOT_AMOUNT.match(folded, end):
                    continue  # "conta de 300 reais"
                span = self.make_span(text, start, end, self.SCORE)
                if span is not None:
                    spans.append(span)
                    taken.append((start, end))
        return spans
