"""config/calendar.yaml: the shipped file loads; holidays on known dates; broken files name the
file and the field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from pipelines.analytics.calendar import (
    DEFAULT_CALENDAR_FILE,
    BusinessCalendar,
    CalendarError,
    load_calendar,
)

SHIPPED = yaml.safe_load(DEFAULT_CALENDAR_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "calendar.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def edited(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(SHIPPED))
    for dotted, value in changes.items():
        section, _, key = dotted.partition("__")
        if key:
            data[section][key] = value
        else:
            data[section] = value
    return data


def test_shipped_calendar_is_brazil_national_8_to_19_monday_to_friday():
    calendar = load_calendar(DEFAULT_CALENDAR_FILE, env={})
    assert calendar == BusinessCalendar(
        country="BR",
        subdivision=None,
        categories=("public",),
        start_hour=8,
        end_hour=19,
        business_days=(0, 1, 2, 3, 4),
    )


@pytest.mark.parametrize(
    ("day", "calendar", "holiday"),
    [
        # Consciência Negra became a national holiday in 2024 (Lei 14.759/2023)
        (date(2025, 11, 20), BusinessCalendar(), True),
        (date(2024, 11, 20), BusinessCalendar(), True),
        (date(2023, 11, 20), BusinessCalendar(), False),
        (date(2025, 4, 21), BusinessCalendar(), True),  # Tiradentes
        (date(2025, 12, 25), BusinessCalendar(), True),
        (date(2025, 11, 21), BusinessCalendar(), False),
        # Carnival is an optional day (ponto facultativo), not a public holiday
        (date(2025, 3, 4), BusinessCalendar(), False),
        (date(2025, 3, 4), BusinessCalendar(categories=("public", "optional")), True),
        # 9 July is a São Paulo state holiday only
        (date(2025, 7, 9), BusinessCalendar(), False),
        (date(2025, 7, 9), BusinessCalendar(subdivision="SP"), True),
        (date(2025, 7, 9), BusinessCalendar(subdivision="RJ"), False),
    ],
)
def test_holidays_on_known_dates(day, calendar, holiday):
    assert (day in calendar.holiday_dates(date(day.year, 1, 1), date(day.year, 12, 31))) is holiday


def test_holiday_dates_span_years_and_stay_inside_the_range():
    days = BusinessCalendar().holiday_dates(date(2024, 12, 25), date(2025, 1, 1))
    assert days == [date(2024, 12, 25), date(2025, 1, 1)]


def test_env_names_another_calendar_file(tmp_path):
    path = write(tmp_path, edited(business_days=["mon", "tue", "wed", "thu", "fri", "sat"]))
    calendar = load_calendar(env={"VIGIA_CALENDAR_FILE": str(path)})
    assert calendar.business_days == (0, 1, 2, 3, 4, 5)


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        (edited(holidays__country="XX"), "holidays.country", "not a country code"),
        (edited(holidays__subdivision="ZZ"), "holidays.subdivision", "not a subdivision of BR"),
        (edited(holidays__categories=["bank"]), "holidays.categories", "optional, public"),
        (edited(holidays__categories=[]), "holidays.categories", "non-empty"),
        (edited(holidays="BR"), "holidays", "expected a mapping"),
        (edited(business_hours__start="08:30"), "business_hours.start", "whole hour"),
        (edited(business_hours__end=19), "business_hours.end", "quoted whole hour"),
        (edited(business_hours__end="25:00"), "business_hours.end", "whole hour"),
        (edited(business_hours__start="19:00"), "business_hours", "start must be before end"),
        (edited(business_days=["monday"]), "business_days", "mon, tue"),
        (edited(business_days=[]), "business_days", "non-empty"),
        (edited(timezone="UTC"), "timezone", "unknown key"),
        (["BR"], "top level", "expected a mapping"),
    ],
)
def test_a_broken_calendar_names_file_and_field(tmp_path, data, field, problem):
    path = write(tmp_path, data)
    with pytest.raises(CalendarError) as error:
        load_calendar(path)
    message = str(error.value)
    assert message.startswith(f"{path}: {field}: "), message
    assert problem in message


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "calendar.yaml"
    path.write_text("holidays: {country: BR\nbusiness_days: [mon\n", encoding="utf-8")
    with pytest.raises(CalendarError, match=r"calendar.yaml: line \d+: not valid YAML"):
        load_calendar(path)


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(CalendarError, match="not found: .*VIGIA_CALENDAR_FILE"):
        load_calendar(tmp_path / "nope.yaml")
