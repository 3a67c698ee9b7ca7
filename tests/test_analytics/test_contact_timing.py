"""gold.contact_timing: local weekday and hour in the firm's time zone, and the business-hours,
weekend and holiday flags of each hour."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from pipelines.analytics.calendar import BusinessCalendar
from pipelines.analytics.contact_timing import CONTACT_TIMING_SCHEMA, contact_timing

TZ = "America/Sao_Paulo"  # UTC-3 all year since 2019 (no daylight saving)
EMPLOYEE, OTHER = "P-0a1b2c3d4e5f", "P-1b2c3d4e5f60"
UTC_US = pl.Datetime("us", "UTC")


def local_date(utc: datetime) -> date:
    """The business-local date silver partitions by."""
    return utc.astimezone(ZoneInfo(TZ)).date()


def messages(rows: list[tuple]) -> pl.LazyFrame:
    """(sent_at UTC, kind, employee_token) rows in silver.messages' shape (what timing reads)."""
    return pl.LazyFrame(
        [(local_date(at), at, kind, employee, "Contencioso") for at, kind, employee in rows],
        schema={
            "event_date": pl.Date,
            "sent_at": UTC_US,
            "kind": pl.Utf8,
            "employee_token": pl.Utf8,
            "team": pl.Utf8,
        },
        orient="row",
    )


def calls(rows: list[tuple]) -> pl.LazyFrame:
    return pl.LazyFrame(
        [(local_date(at), at, employee, "Contencioso") for at, employee in rows],
        schema={
            "event_date": pl.Date,
            "started_at": UTC_US,
            "employee_token": pl.Utf8,
            "team": pl.Utf8,
        },
        orient="row",
    )


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def one(utc: datetime, calendar: BusinessCalendar | None = None) -> dict:
    frame = contact_timing(
        messages([(utc, "message", EMPLOYEE)]), calls([]), TZ, calendar or BusinessCalendar()
    )
    assert frame.height == 1
    return frame.row(0, named=True)


@pytest.mark.parametrize(
    ("utc", "weekday", "hour", "business", "weekend", "holiday"),
    [
        (at(2025, 11, 19, 21, 30), 2, 18, True, False, False),  # Wed 18:30 local
        (at(2025, 11, 19, 22, 0), 2, 19, False, False, False),  # 19:00: end is exclusive
        (at(2025, 11, 19, 11, 0), 2, 8, True, False, False),  # 08:00: start is inclusive
        (at(2025, 11, 19, 10, 59), 2, 7, False, False, False),  # 07:59
        (at(2025, 11, 20, 15, 0), 3, 12, False, False, True),  # Consciência Negra 2025
        (at(2023, 11, 20, 15, 0), 0, 12, True, False, False),  # not national yet in 2023
        (at(2025, 11, 22, 15, 0), 5, 12, False, True, False),  # Saturday noon
        (at(2025, 11, 15, 15, 0), 5, 12, False, True, True),  # Saturday and a holiday
        # time-zone boundary: UTC is already Friday, locally still the holiday Thursday night
        (at(2025, 11, 21, 2, 30), 3, 23, False, False, True),
        # UTC Sunday 02:00 is Saturday 23:00 locally
        (at(2025, 11, 23, 2, 0), 5, 23, False, True, False),
        # UTC Monday 02:00 is Sunday 23:00 locally
        (at(2025, 11, 24, 2, 0), 6, 23, False, True, False),
    ],
)
def test_local_hour_and_flags(utc, weekday, hour, business, weekend, holiday):
    row = one(utc)
    assert (row["weekday"], row["hour"]) == (weekday, hour)
    assert row["is_business_hours"] is business
    assert row["is_weekend"] is weekend
    assert row["is_holiday"] is holiday


@pytest.mark.parametrize(
    ("calendar", "utc", "business"),
    [
        # a firm open on Saturday mornings, 09:00-18:00
        (
            BusinessCalendar(start_hour=9, end_hour=18, business_days=(0, 1, 2, 3, 4, 5)),
            at(2025, 11, 22, 13, 0),
            True,
        ),  # Saturday 10:00
        (
            BusinessCalendar(start_hour=9, end_hour=18, business_days=(0, 1, 2, 3, 4, 5)),
            at(2025, 11, 19, 11, 30),
            False,
        ),  # Wednesday 08:30
        (
            BusinessCalendar(start_hour=9, end_hour=18, business_days=(0, 1, 2, 3, 4, 5)),
            at(2025, 11, 19, 20, 59),
            True,
        ),  # Wednesday 17:59
        # state holiday: 9 July only with subdivision SP
        (BusinessCalendar(subdivision="SP"), at(2025, 7, 9, 15, 0), False),
        (BusinessCalendar(), at(2025, 7, 9, 15, 0), True),
    ],
)
def test_the_calendar_decides_business_hours(calendar, utc, business):
    assert one(utc, calendar)["is_business_hours"] is business


def test_counts_messages_and_calls_per_hour_without_system_lines_or_unknown_employees():
    noon = at(2025, 11, 19, 15, 0)
    frame = contact_timing(
        messages(
            [
                (noon, "message", EMPLOYEE),
                (at(2025, 11, 19, 15, 59), "message", EMPLOYEE),  # same local hour
                (at(2025, 11, 19, 16, 0), "message", EMPLOYEE),  # next hour
                (noon, "system", EMPLOYEE),  # "Messages are end-to-end encrypted"
                (noon, "message", None),  # a chat whose employee is unknown
                (noon, "message", OTHER),
            ]
        ),
        calls([(noon, EMPLOYEE), (noon, None)]),
        TZ,
        BusinessCalendar(),
    )
    counts = {
        (row["employee_token"], row["channel"], row["hour"]): row["contacts"]
        for row in frame.iter_rows(named=True)
    }
    assert counts == {
        (EMPLOYEE, "message", 12): 2,
        (EMPLOYEE, "message", 13): 1,
        (EMPLOYEE, "call", 12): 1,
        (OTHER, "message", 12): 1,
    }
    assert frame.schema == pl.Schema(CONTACT_TIMING_SCHEMA)


def test_no_contacts_gives_an_empty_frame_with_the_schema():
    frame = contact_timing(messages([]), calls([]), TZ, BusinessCalendar())
    assert frame.is_empty() and frame.schema == pl.Schema(CONTACT_TIMING_SCHEMA)


def test_the_event_date_partition_is_kept():
    row = one(at(2025, 11, 21, 2, 30))
    assert row["event_date"] == date(2025, 11, 20) and row["is_holiday"]
