"""The firm's business calendar (config/calendar.yaml): business days and hours, and holidays.

Holidays come from the ``holidays`` package for the configured country (and optional
subdivision); the time zone is ``Settings.timezone``, not part of this file. The file is data,
validated on load: a :class:`CalendarError` names the file, the field and what to do.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import holidays

from pipelines.config_files import read_config_file

DEFAULT_CALENDAR_FILE = Path(__file__).resolve().parents[2] / "config" / "calendar.yaml"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOUR = re.compile(r"^([01]\d|2[0-4]):00$")


class CalendarError(ValueError):
    """The calendar file is missing or malformed; the message names file and field."""


@dataclass(frozen=True)
class BusinessCalendar:
    """Business hours are ``[start_hour, end_hour)`` local time on ``business_days``
    (0 = Monday), except holidays."""

    country: str = "BR"
    subdivision: str | None = None
    categories: tuple[str, ...] = ("public",)
    start_hour: int = 8
    end_hour: int = 19
    business_days: tuple[int, ...] = (0, 1, 2, 3, 4)

    def holidays(self, years: Iterable[int]) -> dict[date, str]:
        """Holiday date -> name for the given years."""
        found = holidays.country_holidays(
            self.country,
            subdiv=self.subdivision,
            years=sorted(set(years)),
            categories=self.categories,
            language="en_US",
        )
        return dict(sorted(found.items()))

    def holiday_dates(self, first: date, last: date) -> list[date]:
        """Holidays between ``first`` and ``last`` (inclusive)."""
        days = self.holidays(range(first.year, last.year + 1))
        return [day for day in days if first <= day <= last]


def calendar_path(env: Mapping[str, str] = os.environ) -> Path:
    configured = env.get("VIGIA_CALENDAR_FILE")
    return Path(configured) if configured else DEFAULT_CALENDAR_FILE


def load_calendar(
    path: Path | None = None, env: Mapping[str, str] = os.environ
) -> BusinessCalendar:
    """Read and validate the calendar file (VIGIA_CALENDAR_FILE, else config/calendar.yaml)."""
    path = path or calendar_path(env)
    data = read_config_file(
        path, CalendarError, "calendar file", DEFAULT_CALENDAR_FILE, "VIGIA_CALENDAR_FILE"
    )
    return parse_calendar(path, data)


def parse_calendar(path: Path, data: Any) -> BusinessCalendar:
    def fail(field: str, problem: str) -> CalendarError:
        return CalendarError(f"{path}: {field}: {problem}")

    if not isinstance(data, dict):
        raise fail("top level", "expected a mapping with holidays, business_hours, business_days")
    unknown = sorted(set(data) - {"holidays", "business_hours", "business_days"})
    if unknown:
        raise fail(unknown[0], "unknown key: use holidays, business_hours, business_days")
    country, subdivision, categories = _holidays_section(data.get("holidays"), fail)
    start, end = _hours_section(data.get("business_hours"), fail)
    days = data.get("business_days", list(DAY_NAMES[:5]))
    if not isinstance(days, list) or not days or any(d not in DAY_NAMES for d in days):
        raise fail("business_days", f"must be a non-empty list of {', '.join(DAY_NAMES)}")
    return BusinessCalendar(
        country=country,
        subdivision=subdivision,
        categories=categories,
        start_hour=start,
        end_hour=end,
        business_days=tuple(sorted({DAY_NAMES.index(d) for d in days})),
    )


def _holidays_section(section: Any, fail) -> tuple[str, str | None, tuple[str, ...]]:
    if not isinstance(section, dict):
        raise fail("holidays", "expected a mapping with country (e.g. BR)")
    country = section.get("country")
    supported = holidays.list_supported_countries()
    if not isinstance(country, str) or country not in supported:
        raise fail(
            "holidays.country", f"{country!r} is not a country code the holidays package knows"
        )
    entity = holidays.country_holidays(country)
    subdivision = section.get("subdivision")
    if subdivision is not None and subdivision not in supported[country]:
        raise fail(
            "holidays.subdivision",
            f"{subdivision!r} is not a subdivision of {country}: use one of "
            f"{', '.join(supported[country])} or null",
        )
    categories = section.get("categories", ["public"])
    allowed = entity.supported_categories
    if (
        not isinstance(categories, list)
        or not categories
        or any(c not in allowed for c in categories)
    ):
        raise fail("holidays.categories", f"must be a non-empty list of {', '.join(allowed)}")
    return country, subdivision, tuple(categories)


def _hours_section(section: Any, fail) -> tuple[int, int]:
    if not isinstance(section, dict):
        raise fail("business_hours", 'expected a mapping with start and end, e.g. start: "08:00"')
    hours = []
    for key in ("start", "end"):
        value = section.get(key)
        match = _HOUR.match(value) if isinstance(value, str) else None
        if not match:
            raise fail(
                f"business_hours.{key}",
                f"{value!r} must be a quoted whole hour HH:00 (the table counts per hour)",
            )
        hours.append(int(match.group(1)))
    if hours[0] >= hours[1]:
        raise fail("business_hours", "start must be before end")
    return hours[0], hours[1]
