"""Phone numbers: `phonenumbers.PhoneNumberMatcher` (region BR, Leniency.VALID) plus patterns.

The matcher finds numbers in every format the library knows (+55 with or without area code,
0800, trunk-prefixed dialling, foreign numbers with +). The patterns add WhatsApp-style
spellings the matcher misses, chiefly legacy 8-digit mobiles ("+55 85 8204-7737"), which
`to_e164` validates by restoring the ninth digit. Texts with fewer than 8 digits, or no
phone-shaped run of digits, are skipped without running either.

Eleven bare digits can be a mobile with area code and a CPF at once ("61964501407"). Such a
number is left to the CPF recognizer when its CPF check digits hold, unless a phone word ("zap",
"liga", "tel") is the nearest context word before it (or, with none before, after it) rather
than a CPF word ("cpf", "documento"). Without any context word the check digits decide: a phone
number passes them by chance 1 time in 100, while about 1 CPF in 15 has a mobile's shape (a
valid area code, then a 9), so for a number that is both, CPF is the likelier reading.
"""

from __future__ import annotations

import re
from typing import ClassVar

import phonenumbers
from phonenumbers import Leniency

from models.recognizers.base import PiiSpan, Recognizer, context_regex, count_digits, fold_text
from models.recognizers.cpf_recognizer import CpfRecognizer, cpf_check_digits_ok
from pipelines.privacy.phones import parse_valid

_LEFT = r"(?<![\d+])(?<!\d[.,/-])"
_RIGHT = r"(?!\d|[.,/-]\d)"
_SEP = r"[ .-]?"
_AREA_AND_NUMBER = rf"(?:\(\d{{2}}\)|\d{{2}}){_SEP}(?:9{_SEP})?\d{{4}}{_SEP}\d{{4}}"

MIN_DIGITS = 8
# Texts worth the (slow) PhoneNumberMatcher: a run ending in a group of four digits after three
# to nine more ("1234-5678", "91234 5678", "253 0000"), or anything dialled with a plus. This
# skips CPFs, CNPJs, CEPs, dates, amounts and lawsuit numbers, which the matcher would parse for
# nothing.
_PHONE_SHAPED = re.compile(r"(?<![\d.,/])\d{3,9}[\s.-]?\d{4}(?!\d|[.,/-]\d)|\+\d[\d\s().-]{6,}\d")
# CNJ unified lawsuit number NNNNNNN-DD.AAAA.J.TR.OOOO: never a phone
_CNJ = re.compile(r"\d{7}-\d{2}\.\d{4}\.\d\.\d{2}\.\d{4}")
# what the matcher may take for a number but is a CPF/RG (123.456.789-09), a date (30.09.1945)
# or a CEP (01310-100): a context word like "liga" must not turn these into phones
_NOT_A_PHONE = re.compile(
    r"\d{1,3}(?:\.\d{3})+-[\dXx]{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{5}-\d{3}"
)
_CPF_CONTEXT = context_regex(CpfRecognizer.CONTEXT)


class PhoneRecognizer(Recognizer):
    ENTITY = "PHONE"
    BATCH_PREFILTER: ClassVar[str | None] = r"\d{3,9}[\s.-]?\d{4}|\+\d"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        # +55 85 8204-7737, +55 (11) 9 1234-5678, 55 11 91234 5678
        ("br_with_country_code", _LEFT + r"\+?55 ?" + _AREA_AND_NUMBER + _RIGHT, 0.6),
        # (85) 8204-7737, 11 9 1234-5678, 85 8204 7737
        ("br_with_area_code", _LEFT + _AREA_AND_NUMBER + _RIGHT, 0.5),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "tel", "telefone", "fone", "cel", "celular", "whats", "whatsapp", "zap", "zapzap", "wpp",
        "numero", "contato", "liga", "ligar", "ligue", "me chama", "ramal", "recado",
    ]  # fmt: skip

    def __init__(self, default_region: str = "BR") -> None:
        super().__init__()
        self.default_region = default_region
        self._country_code = phonenumbers.country_code_for_region(default_region)

    def prefilter(self, text: str) -> bool:
        return count_digits(text) >= MIN_DIGITS and _PHONE_SHAPED.search(text) is not None

    def validate(self, match_text: str) -> bool:
        return parse_valid(match_text, self.default_region) is not None

    def find(self, text: str) -> list[PiiSpan]:
        spans: list[PiiSpan] = []
        lawsuits = [c.span() for c in _CNJ.finditer(text)] if "." in text else []
        for m in phonenumbers.PhoneNumberMatcher(
            text, self.default_region, leniency=Leniency.VALID
        ):
            if m.number.country_code != self._country_code and "+" not in m.raw_string:
                # "0021498-56.2024..." reads as 00 21 (carrier) + a German number: people write
                # foreign numbers in chat with a plus, so a foreign hit without one is a look-alike
                continue
            if _NOT_A_PHONE.fullmatch(m.raw_string):
                continue
            span = self.make_span(text, m.start, m.end, 0.7)
            if span is not None:
                spans.append(span)
        covered = [(s.start, s.end) for s in spans]
        for span in super().find(text):
            # the matcher already covers most pattern hits: keep only those it missed
            if not any(span.start < e and span.end > s for s, e in covered):
                spans.append(span)
        return [
            s
            for s in spans
            if not any(s.start < e and s.end > b for b, e in lawsuits)
            and not self.reads_as_cpf(text, s)
        ]

    def reads_as_cpf(self, text: str, span: PiiSpan) -> bool:
        """True for eleven bare digits with valid CPF check digits and no nearer phone word
        (see the module docstring)."""
        digits = span.text
        if len(digits) != 11 or not digits.isdigit() or not cpf_check_digits_ok(digits):
            return False
        assert self._context is not None and _CPF_CONTEXT is not None
        folded = fold_text(text)
        before = folded[max(0, span.start - self.CONTEXT_WINDOW) : span.start]
        phone = max((m.end() for m in self._context.finditer(before)), default=-1)
        cpf = max((m.end() for m in _CPF_CONTEXT.finditer(before)), default=-1)
        if phone >= 0 or cpf >= 0:
            return cpf > phone  # the nearer word before the number decides
        after = folded[span.end : span.end + self.CONTEXT_WINDOW]
        phone_after = self._context.search(after)
        cpf_after = _CPF_CONTEXT.search(after)
        if phone_after is None:
            return True
        return cpf_after is not None and cpf_after.start() < phone_after.start()
