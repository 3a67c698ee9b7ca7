"""Calls whose legs start on two dates (queued across midnight) or sit in two files are one
silver call, dated by its first leg, whichever date partition is rebuilt and how often."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from models.analyzer import build_analyzer
from pipelines import lake
from pipelines.conform.calls import (
    call_rows_for_dates,
    conform_calls,
    rebuild_span,
)
from pipelines.conform.directory import Directory
from pipelines.conform.messages import PrivacyContext
from pipelines.ingest.bronze_loader import ingest_landing
from pipelines.privacy.pseudonyms import Pseudonymizer

KEY = b"n" * 32
ZONE = "America/Sao_Paulo"
EMPLOYEES = (
    "employee_id,name,phone,email,role,team,manager_id,extension\n"
    "E001,Ana Souza,(11) 91234-5678,ana@firma.adv.br,advogada,Cível,,2001\n"
    "E002,Bruno Lima,(11) 91234-0000,bruno@firma.adv.br,advogado,Família,,2002\n"
)


def custom(start, answer, end, dst, app, uniqueid, sequence, linkedid, src="11988887777"):
    """One cdr_custom row (data_contracts/mappings/asterisk_cdr_custom.yaml)."""
    seconds = int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
    billsec = (
        int((datetime.fromisoformat(end) - datetime.fromisoformat(answer)).total_seconds())
        if answer
        else 0
    )
    disposition = "ANSWERED" if answer else "NO ANSWER"
    return (
        f'"""Cliente"" <{src}>","{src}","{dst}","from-pstn","PJSIP/trunk-1","","{app}","",'
        f'"{start}","{answer}","{end}","{seconds}","{billsec}","{disposition}","DOCUMENTATION",'
        f'"","{uniqueid}","",{sequence},"{linkedid}"\n'
    )


# Written in hang-up order, as the PBX does: the agent leg of the midnight call comes first.
BRANCH_A = (
    # an ordinary call on the 27th
    custom(
        "2026-10-27 10:00:00",
        "2026-10-27 10:00:05",
        "2026-10-27 10:02:00",
        "2001",
        "Dial",
        "1.1",
        1,
        "1.1",
    )
    # queued at 23:59:30, answered by 2002 at 00:00:40 on the 28th
    + custom(
        "2026-10-27 23:59:30",
        "2026-10-27 23:59:31",
        "2026-10-28 00:00:40",
        "600",
        "Queue",
        "2.1",
        2,
        "2.1",
    )
    + custom(
        "2026-10-28 00:00:40",
        "2026-10-28 00:00:45",
        "2026-10-28 00:05:45",
        "2002",
        "AppQueue",
        "2.2",
        3,
        "2.1",
    )
    # queued at 23:58, its agent leg is in the next file (the PBX rotated Master.csv)
    + custom(
        "2026-10-27 23:58:00",
        "2026-10-27 23:58:01",
        "2026-10-28 00:01:00",
        "600",
        "Queue",
        "3.1",
        4,
        "3.1",
    )
)
BRANCH_B = (
    custom(
        "2026-10-28 00:01:00",
        "2026-10-28 00:01:04",
        "2026-10-28 00:03:04",
        "2001",
        "AppQueue",
        "3.2",
        5,
        "3.1",
    )
    # an ordinary call on the 28th
    + custom("2026-10-28 09:00:00", "", "2026-10-28 09:00:20", "2001", "Dial", "4.1", 6, "4.1")
)
CALLS_27 = {"1.1", "2.1", "3.1"}  # source_call_id (linkedid) of the calls starting on the 27th
CALLS_28 = {"4.1"}


@pytest.fixture(scope="module")
def lakehouse(tmp_path_factory) -> tuple[str, Directory, PrivacyContext]:
    root = tmp_path_factory.mktemp("midnight")
    landing = root / "landing"
    (landing / "reference").mkdir(parents=True)
    (landing / "reference" / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    folder = landing / "calls" / "asterisk_cdr_custom"
    folder.mkdir(parents=True)
    (folder / "Master.csv").write_text(BRANCH_A, encoding="utf-8")
    (folder / "Master-20261028.csv").write_text(BRANCH_B, encoding="utf-8")
    base = str(root / "lake")
    ingest_landing(landing, base)
    directory = Directory.load(landing / "reference")
    privacy = PrivacyContext(KEY, Pseudonymizer(KEY, directory.aliases()), build_analyzer({}))
    return base, directory, privacy


def build(lakehouse, first: str, last: str) -> pl.DataFrame:
    base, directory, privacy = lakehouse
    rows = call_rows_for_dates(lake.scan_table("bronze.call_records", base), first, last)
    return conform_calls(rows, directory, privacy, ZONE, dates=(first, last))


def test_bronze_dates_each_leg_by_its_own_start(lakehouse):
    bronze = lake.read_table("bronze.call_records", lakehouse[0])
    dates = dict(zip(bronze["uniqueid"], bronze["event_date"].cast(pl.Utf8), strict=True))
    assert (dates["2.1"], dates["2.2"]) == ("2026-10-27", "2026-10-28")
    assert bronze.filter(pl.col("uniqueid") == "3.2")["source_file"].item().endswith("1028.csv")


def test_a_call_across_midnight_is_one_call_of_its_first_date(lakehouse):
    day = build(lakehouse, "2026-10-27", "2026-10-27")
    assert set(day["source_call_id"]) == CALLS_27
    queued = day.filter(pl.col("source_call_id") == "2.1").row(0, named=True)
    assert queued["event_date"].isoformat() == "2026-10-27"
    assert queued["started_at"].isoformat() == "2026-10-28T02:59:30+00:00"
    assert queued["ended_at"].isoformat() == "2026-10-28T03:05:45+00:00"
    assert queued["duration_s"] == 375
    assert (queued["direction"], queued["answered"]) == ("inbound", True)
    assert queued["employee_token"] == Pseudonymizer(KEY).token("tel:+5511912340000")  # 2002
    rotated = day.filter(pl.col("source_call_id") == "3.1").row(0, named=True)
    assert rotated["ended_at"].isoformat() == "2026-10-28T03:03:04+00:00"  # leg in file two
    assert rotated["employee_token"] == Pseudonymizer(KEY).token("tel:+5511912345678")  # 2001


def test_the_next_date_holds_none_of_its_legs(lakehouse):
    day = build(lakehouse, "2026-10-28", "2026-10-28")
    assert set(day["source_call_id"]) == CALLS_28


@pytest.mark.parametrize(
    "order",
    [
        [("2026-10-27", "2026-10-27"), ("2026-10-28", "2026-10-28")],
        [("2026-10-28", "2026-10-28"), ("2026-10-27", "2026-10-27")],
        [("2026-10-27", "2026-10-28"), ("2026-10-28", "2026-10-28"), ("2026-10-27", "2026-10-27")],
        [("2026-10-28", "2026-10-28"), ("2026-10-27", "2026-10-28"), ("2026-10-28", "2026-10-28")],
    ],
)
def test_rebuilding_dates_in_any_order_gives_the_same_rows(lakehouse, tmp_path, order):
    silver = str(tmp_path / "silver")
    for first, last in order:
        predicate = f"event_date >= '{first}' AND event_date <= '{last}'"
        lake.replace_where(
            build(lakehouse, first, last),
            "silver.calls",
            predicate,
            partition_by=["event_date"],
            base=silver,
        )
    stored = lake.read_table("silver.calls", silver).sort("call_id")
    whole = build(lakehouse, "2026-10-26", "2026-10-29").sort("call_id")
    assert stored["call_id"].is_unique().all()
    assert set(stored["source_call_id"]) == CALLS_27 | CALLS_28
    assert stored.select(sorted(stored.columns)).equals(whole.select(sorted(whole.columns)))


def test_without_dates_each_partition_alone_would_split_the_call(lakehouse):
    """The reason for call_rows_for_dates: the 28th's bronze rows alone hold a fragment."""
    base, directory, privacy = lakehouse
    only_28 = lake.scan_table("bronze.call_records", base).filter(
        pl.col("event_date") == pl.date(2026, 10, 28)
    )
    fragments = conform_calls(only_28.collect(), directory, privacy, ZONE)
    assert {"2.1", "3.1"} <= set(fragments["source_call_id"])


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (("2026-10-28", "2026-10-28"), ("2026-10-27", "2026-10-28")),
        (("2026-11-01", "2026-11-03"), ("2026-10-31", "2026-11-03")),
        (("2026-01-01", "2026-01-01"), ("2025-12-31", "2026-01-01")),
    ],
)
def test_rebuild_span_reaches_back_one_date(span, expected):
    assert rebuild_span(*span) == expected
