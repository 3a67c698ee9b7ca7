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
        stamp = f"(?P<date>{date_re})" + ("," if self.comma else "") + _SP
        stamp += f"(?P<time>{self.time_source()})"
        if self.bracket:
            return re.compile(rf"{_INV}\[(?P<stamp>{stamp})\]{_SP}")
        return re.compile(rf"{_INV}(?P<stamp>{stamp}){_SP}[-\u2013]{_SP}")

    def time_source(self) -> str:
        """Pattern source of the time of day; groups: h, mi, s (with seconds), ap (12-hour)."""
        time_re = r"(?P<h>\d{1,2}):(?P<mi>\d{2})" + (r":(?P<s>\d{2})" if self.seconds else "")
        if self.clock12:
            time_re += rf"{_SP}?(?P<ap>[AaPp])\.?{_SP}?[Mm]\.?"
        return time_re

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
    votes: Counter[tuple[bool, str, bool, bool, bool, bool]] = Counter()
    match = _GENERIC.match
    seen = 0
    for line in lines:
        m = match(line)
        if m is None:
            continue
        bracket, d1, sep, comma, sec, ampm = m.groups()  # groups in _GENERIC order
        votes[(bracket is not None, sep, comma is not None, sec is not None,
               ampm is not None, len(d1) == 4)] += 1
        seen += 1
        if seen >= limit:
            break
    if not votes:
        return None
    bracket, sep, comma, seconds, clock12, year_first = votes.most_common(1)[0][0]
    return Family(bracket, sep, comma, seconds, clock12, year_first)  # ties: the first seen


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


def usual_order(family: Family, date_text: str, time_text: str) -> str | None:
    """The day/month order of the locales that write this line start, when they agree."""
    year_digits = len(date_text.rsplit(family.sep, 1)[-1])
    if family.sep == ".":
        return "DMY"  # de, ru, pl, ...: dotted dates never put the month first
    if family.clock12:
        # "a. m." (es, pt) reads day first; en-US writes "1:55 PM" with two-digit years
        if "." in time_text:
            return "DMY"
        return "MDY" if year_digits == 2 else None
    # 24-hour slashes with four-digit years: pt-BR, en-GB, es (en-US exports use two digits)
    return "DMY" if year_digits == 4 else None


def decide_date_order(
    family: Family, date_texts: list[str], time_text: str = ""
) -> tuple[str, bool]:
    """Return ``(order, ambiguous)`` from the dates of all header lines, in file order.

    Year first means YMD. Otherwise a first field above 12 means DMY, a second one MDY. With no
    such field (or both), the decision is marked ambiguous and taken from, in turn: the fewest
    backward steps in time, the order usual for the line start (``time_text`` is one header's
    time as written), the shortest span in days, and finally DMY.
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
    dmy_back, dmy_span = _implausibility(sequence, "DMY")
    mdy_back, mdy_span = _implausibility(sequence, "MDY")
    if dmy_back != mdy_back:
        return ("DMY" if dmy_back < mdy_back else "MDY"), True
    usual = usual_order(family, date_texts[0], time_text) if date_texts else None
    if usual is not None:
        return usual, True
    if dmy_span != mdy_span:
        return ("DMY" if dmy_span < mdy_span else "MDY"), True
    return "DMY", True


_MISSING = object()
_Triple = tuple[int, int, int]


def _ymd(text: str, sep: str, order: str) -> _Triple | None:
    """Date fields in ``order`` -> (year, month, day), None when no such day exists."""
    a, b, c = (int(x) for x in text.split(sep))
    if order == "YMD":
        ymd = (a, b, c)
    else:
        year = c + 2000 if c < 100 else c
        ymd = (year, b, a) if order == "DMY" else (year, a, b)
    try:
        date(*ymd)
    except ValueError:
        return None
    return ymd


def _hms(hour: str, minute: str, second: str | None, ampm: str | None) -> _Triple | None:
    """Validate a time of day; ``ampm`` is the first letter of AM/PM on 12-hour clocks."""
    h, mi, s = int(hour), int(minute), int(second or 0)
    if ampm is not None:
        if h > 12:
            return None
        h = h % 12 + (12 if ampm in "Pp" else 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return h, mi, s


class StampReader:
    """Reads the date and time texts of one export's headers (cached: a file repeats them)."""

    def __init__(self, family: Family, order: str) -> None:
        self.sep, self.order = family.sep, order
        self.time = re.compile(family.time_source())
        self.seconds, self.clock12 = family.seconds, family.clock12
        self.dates: dict[str, _Triple | None] = {}
        self.times: dict[str, _Triple | None] = {}

    def ymd(self, text: str) -> _Triple | None:
        value = self.dates.get(text, _MISSING)
        if value is _MISSING:
            value = self.dates[text] = _ymd(text, self.sep, self.order)
        return value  # type: ignore[return-value]

    def hms(self, text: str) -> _Triple | None:
        value = self.times.get(text, _MISSING)
        if value is _MISSING:
            m = self.time.fullmatch(text)
            value = self.times[text] = None if m is None else _hms(
                m["h"], m["mi"], m["s"] if self.seconds else None,
                m["ap"] if self.clock12 else None,
            )
        return value  # type: ignore[return-value]
