"""Line-start layouts of WhatsApp chat exports, inferred from the file itself.

A layout family is a combination of features: bracketed iOS header or Android ``" - "`` separator,
date separator, comma between date and time, seconds, 12-hour clock, year first. A permissive
pattern reads the features of each candidate line; the family seen most often wins and gets a
strict, precompiled pattern. Day/month order is then decided from every header in the file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

INVISIBLE = "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_INV = f"[{INVISIBLE}]*"
_SP = "[ \u00a0\u202f]"
_AMPM = rf"{_SP}?[AaPp]\.?{_SP}?[Mm]\.?"

_GENERIC = re.compile(
    _INV
    + r"(?P<open>\[)?(?P<d1>\d{4}|\d{1,2})(?P<sep>[/.\-])\d{1,2}(?P=sep)\d{1,4}(?P<comma>,)?"
    + rf"{_SP}\d{{1,2}}:\d{{2}}(?P<sec>:\d{{2}})?(?P<ampm>{_AMPM})?"
    + rf"(?(open)\]{_SP}|{_SP}[-\u2013]{_SP})"
)

CANDIDATE_LINES = 500


@dataclass(frozen=True)
class Family:
    """Structural features of a header line; the date order is decided separately."""

    bracket: bool
    sep: str
    comma: bool
    seconds: bool
    clock12: bool
    year_first: bool

    def pattern(self) -> re.Pattern[str]:
        """Strict header pattern; groups: stamp (as written), date, h, mi, s, ap."""
        s = re.escape(self.sep)
        if self.year_first:
            date_re = rf"\d{{4}}{s}\d{{1,2}}{s}\d{{1,2}}"
        else:
            date_re = rf"\d{{1,2}}{s}\d{{1,2}}{s}(?:\d{{4}}|\d{{2}})"
        time_re = r"(?P<h>\d{1,2}):(?P<mi>\d{2})" + (r":(?P<s>\d{2})" if self.seconds else "")
        if self.clock12:
            time_re += rf"{_SP}?(?P<ap>[AaPp])\.?{_SP}?[Mm]\.?"
        stamp = f"(?P<date>{date_re})" + ("," if self.comma else "") + _SP + f"(?P<time>{time_re})"
        if self.bracket:
            return re.compile(rf"{_INV}\[(?P<stamp>{stamp})\]{_SP}")
        return re.compile(rf"{_INV}(?P<stamp>{stamp}){_SP}[-\u2013]{_SP}")

    def name(self, order: str) -> str:
        """Short layout name, e.g. ``android-dmy-24h`` or ``ios-mdy-12h-seconds``."""
        parts = ["ios" if self.bracket else "android", order.lower()]
        parts.append("12h" if self.clock12 else "24h")
        if self.seconds:
            parts.append("seconds")
        return "-".join(parts)

    def template(self, order: str, four_digit_year: bool) -> str:
        """Human-readable line start, e.g. ``[DD/MM/YY, HH:MM:SS] ``."""
        year = "YYYY" if four_digit_year else "YY"
        fields = {"D": "DD", "M": "MM", "Y": year}
        text = self.sep.join(fields[c] for c in order)
        text += ("," if self.comma else "") + " HH:MM" + (":SS" if self.seconds else "")
        text += " AM/PM" if self.clock12 else ""
        return f"[{text}] " if self.bracket else f"{text} - "


def infer_family(lines: list[str], limit: int = CANDIDATE_LINES) -> Family | None:
    """Vote over the first ``limit`` lines that look like a header; None when none does."""
    votes: Counter[Family] = Counter()
    seen = 0
    match = _GENERIC.match
    for line in lines:
        m = match(line)
        if m is None:
            continue
        fam = Family(
            bracket=m["open"] is not None,
            sep=m["sep"],
            comma=m["comma"] is not None,
            seconds=m["sec"] is not None,
            clock12=m["ampm"] is not None,
            year_first=len(m["d1"]) == 4,
        )
        votes[fam] += 1
        seen += 1
        if seen >= limit:
            break
    if not votes:
        return None
    return votes.most_common(1)[0][0]  # ties: the family seen first


def _key(fields: tuple[int, int, int], order: str) -> tuple[int, int, int]:
    a, b, c = fields
    year = c + 2000 if c < 100 else c
    return (year, b, a) if order == "DMY" else (year, a, b)


def _ordinal(key: tuple[int, int, int]) -> int | None:
    try:
        return date(*key).toordinal()
    except ValueError:
        return None


def _implausibility(dates: list[tuple[int, int, int]], order: str) -> tuple[int, int]:
    """(backward steps, total forward span in days) of the header dates under ``order``."""
    backward = span = 0
    prev_key = prev_ord = None
    for fields in dates:
        key = _key(fields, order)
        ordinal = _ordinal(key)
        if prev_key is not None and key < prev_key:
            backward += 1
        elif ordinal is not None and prev_ord is not None:
            span += max(ordinal - prev_ord, 0)
        prev_key = key
        if ordinal is not None:
            prev_ord = ordinal
    return backward, span


def decide_date_order(
    family: Family, date_texts: list[str]
) -> tuple[str, bool]:
    """Return ``(order, ambiguous)`` from the dates of all header lines, in file order.

    Year first means YMD. Otherwise a first field above 12 means DMY, a second one MDY; with no
    such field (or both), the order giving the fewest backward steps and then the shortest span
    wins and the result is marked ambiguous.
    """
    if family.year_first:
        return "YMD", False
    sequence: list[tuple[int, int, int]] = []
    parsed: dict[str, tuple[int, int, int]] = {}
    last = None
    for text in date_texts:
        if text == last:
            continue
        last = text
        fields = parsed.get(text)
        if fields is None:
            a, b, c = text.split(family.sep)
            fields = parsed[text] = (int(a), int(b), int(c))
        sequence.append(fields)
    day_first = sum(1 for a, b, _ in parsed.values() if a > 12 >= b)
    month_first = sum(1 for a, b, _ in parsed.values() if b > 12 >= a)
    if day_first and not month_first:
        return "DMY", False
    if month_first and not day_first:
        return "MDY", False
    if day_first != month_first:
        return ("DMY" if day_first > month_first else "MDY"), True
    dmy = _implausibility(sequence, "DMY")
    mdy = _implausibility(sequence, "MDY")
    if dmy != mdy:
        return ("DMY" if dmy < mdy else "MDY"), True
    # No evidence at all: en-US style (12-hour clock with slashes) reads month first.
    return ("MDY" if family.clock12 and family.sep == "/" else "DMY"), True
