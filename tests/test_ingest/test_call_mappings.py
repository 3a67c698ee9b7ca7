"""Mapped call CSVs (FreeSWITCH mod_cdr_csv, Asterisk cdr_custom, any CSV) and one call per
linkedid in silver."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from models.analyzer import build_analyzer
from pipelines import lake
from pipelines.conform.calls import conform_calls
from pipelines.conform.directory import Directory
from pipelines.conform.messages import PrivacyContext
from pipelines.ingest.bronze_loader import ingest_landing
from pipelines.ingest.call_mappings import (
    MappingError,
    available_mappings,
    load_mapping,
    mapping_for,
    parse_mapped_calls,
    read_mapped_calls,
)
from pipelines.ingest.call_records import normalise_disposition
from pipelines.privacy.pseudonyms import Pseudonymizer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calls"
FREESWITCH = FIXTURES / "freeswitch_cdr_csv" / "Master.csv"
CUSTOM = FIXTURES / "asterisk_cdr_custom" / "Master.csv"
KEY = b"m" * 32
EMPLOYEES = (
    "employee_id,name,phone,email,role,team,manager_id,extension\n"
    "E001,Ana Souza,(11) 91234-5678,ana@firma.adv.br,advogada,Cível,,2001\n"
    "E002,Bruno Lima,(11) 91234-0000,bruno@firma.adv.br,advogado,Família,,2002\n"
)


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        ("NORMAL_CLEARING", "ANSWERED"),
        ("USER_BUSY", "BUSY"),
        ("CALL_REJECTED", "BUSY"),
        ("NO_ANSWER", "NO ANSWER"),
        ("ORIGINATOR_CANCEL", "NO ANSWER"),
        ("LOSE_RACE", "NO ANSWER"),
        ("UNALLOCATED_NUMBER", "FAILED"),
        ("NORMAL_CIRCUIT_CONGESTION", "CONGESTION"),
        ("WEIRD_CAUSE", None),
        ("", None),
    ],
)
def test_freeswitch_hangup_causes(cause, expected):
    assert normalise_disposition(cause) == expected


def test_shipped_mappings_load():
    mappings = available_mappings()
    assert {"freeswitch_cdr_csv", "asterisk_cdr_custom"} <= set(mappings)
    assert len(mappings["freeswitch_cdr_csv"].columns) == 15
    assert mappings["freeswitch_cdr_csv"].fields["linkedid"] == ("bleg_uuid", "uuid")


@pytest.mark.parametrize(
    ("relative", "name"),
    [
        ("calls/freeswitch_cdr_csv/Master.csv", "freeswitch_cdr_csv"),
        ("calls/asterisk_cdr_custom/2026/Master.csv", "asterisk_cdr_custom"),
        ("calls/Master.csv", None),
        ("calls/other/Master.csv", None),
        ("whatsapp/freeswitch_cdr_csv/x.csv", None),
    ],
)
def test_the_folder_names_the_mapping(relative, name):
    found = mapping_for(relative)
    assert (found.name if found else None) == name


def test_freeswitch_rows():
    parsed = read_mapped_calls(FREESWITCH, available_mappings()["freeswitch_cdr_csv"])
    a_leg, b_leg, busy, cancelled = parsed.records
    assert (a_leg.src, a_leg.dst, a_leg.disposition, a_leg.billsec) == (
        "11988887777",
        "2001",
        "ANSWERED",
        60,
    )
    assert a_leg.linkedid == b_leg.linkedid == b_leg.uniqueid  # both legs under the B uuid
    assert (busy.disposition, busy.answer, busy.linkedid) == ("BUSY", None, busy.uniqueid)
    # "normal clearing" without an answer time was not answered
    assert (cancelled.disposition, cancelled.disposition_raw) == ("NO ANSWER", "NORMAL_CLEARING")
    reasons = [q.reason for q in parsed.quarantined]
    assert reasons == [
        "line 5: field 'disposition' is not one of ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION",
        "line 6: 14 columns; mapping freeswitch_cdr_csv expects 15",
    ]
    assert len(parsed.records) + len(parsed.quarantined) == parsed.total_lines == 6


def test_cdr_custom_rows():
    parsed = read_mapped_calls(CUSTOM, available_mappings()["asterisk_cdr_custom"])
    assert [r.linkedid for r in parsed.records] == ["1761584400.10"] * 2 + ["1761588000.13"]
    assert [r.sequence for r in parsed.records] == [1, 2, 3]
    assert parsed.records[0].clid == '"Maria Lima" <11988887777>'
    (bad,) = parsed.quarantined
    assert bad.line_number == 4 and "field 'start'" in bad.reason


def _write_mapping(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pbx.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_any_csv_through_a_header_mapping_with_computed_durations(tmp_path):
    mapping = load_mapping(
        _write_mapping(
            tmp_path,
            (
                "header: true\n"
                "time_format: '%d/%m/%Y %H:%M:%S'\n"
                "fields: {src: origem, dst: destino, start: inicio, answer: atendida, end: fim,"
                " disposition: status, uniqueid: id}\n"
            ),
        )
    )
    text = (
        "id;x,origem,destino,inicio,atendida,fim,status\n"
        "1,2001,011977776666,27/10/2026 10:00:00,27/10/2026 10:00:10,27/10/2026 10:02:10,ANSWERED\n"
        "2,2001,011977776666,27/10/2026 11:00:00,,27/10/2026 11:00:30,NOANSWER\n"
        "3,2001,011977776666,2026-10-27 11:00:00,,27/10/2026 11:00:30,BUSY\n"
    ).replace("id;x", "id")
    parsed = parse_mapped_calls(text, mapping)
    assert parsed.header_lines == 1
    first, second = parsed.records
    assert (first.duration, first.billsec, first.start.isoformat()) == (
        130,
        120,
        "2026-10-27T10:00:00",
    )
    assert (second.duration, second.billsec, second.disposition) == (30, 0, "NO ANSWER")
    assert "time_format" in parsed.quarantined[0].reason


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("columns: [a, b]\nfields: {start: a, end: b}\n", "disposition are required"),
        ("columns: [a, b, c]\nfields: {start: a, end: b, disposition: z}\n", "names no declared"),
        ("columns: [a, b, c]\nfields: {start: a, end: b, disposition: c, foo: a}\n", "foo is not"),
        ("fields: {start: a}\n", "'columns' is empty"),
        ("columns: [a, a]\nfields: {}\n", "twice"),
        ("- a\n", "expected a mapping"),
        ("columns: [a\n", "cannot be read as YAML"),
    ],
)
def test_bad_mappings_name_the_file_and_entry(tmp_path, body, problem):
    with pytest.raises(MappingError, match=problem) as info:
        load_mapping(_write_mapping(tmp_path, body))
    assert "pbx.yaml" in str(info.value)


@pytest.fixture(scope="module")
def silver_calls(tmp_path_factory) -> tuple[pl.DataFrame, pl.DataFrame]:
    root = tmp_path_factory.mktemp("calls")
    landing = root / "landing"
    (landing / "reference").mkdir(parents=True)
    (landing / "reference" / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    for source in (FREESWITCH, CUSTOM):
        target = landing / "calls" / source.parent.name / "Master.csv"
        target.parent.mkdir(parents=True)
        shutil.copy(source, target)
    base = str(root / "lake")
    ingest_landing(landing, base)
    bronze = lake.read_table("bronze.call_records", base)
    directory = Directory.load(landing / "reference")
    privacy = PrivacyContext(KEY, Pseudonymizer(KEY, directory.aliases()), build_analyzer({}))
    return bronze, conform_calls(bronze, directory, privacy, "America/Sao_Paulo")


def test_bronze_keeps_every_row_with_its_layout(silver_calls):
    bronze, _ = silver_calls
    assert bronze.height == 7
    assert bronze.group_by("layout").len().sort("layout").rows() == [
        ("asterisk_cdr_custom", 3),
        ("freeswitch_cdr_csv", 4),
    ]
    assert set(bronze["disposition_raw"]) >= {"NORMAL_CLEARING", "USER_BUSY", "ANSWERED"}


def test_silver_has_one_call_per_linkedid(silver_calls):
    bronze, silver = silver_calls
    assert silver.height == 5  # 7 rows, two calls of two legs each
    assert silver["call_id"].n_unique() == 5
    queue = silver.filter(pl.col("source_call_id") == "1761584400.10").row(0, named=True)
    pseudo = Pseudonymizer(KEY)
    assert queue["employee_token"] == pseudo.token("tel:+5511912340000")  # who answered: 2002
    assert (queue["direction"], queue["disposition"], queue["answered"]) == (
        "inbound",
        "ANSWERED",
        True,
    )
    assert (queue["duration_s"], queue["billsec_s"]) == (240, 229)
    assert queue["started_at"].isoformat() == "2026-10-27T17:00:00+00:00"
    assert queue["ended_at"].isoformat() == "2026-10-27T17:04:00+00:00"
    legs = silver.filter(pl.col("source_call_id") == "b1b1b1b1-0000-4000-8000-000000000001")
    assert legs.height == 1 and legs["billsec_s"].item() <= legs["duration_s"].item()


def test_rows_without_linkedid_stay_separate(tmp_path):
    line = (
        '"","2001","011912345678","from-internal","""Ana"" <2001>","SIP/2001-1","SIP/t-2","Dial",'
        '"SIP/t/x","2026-10-27 10:00:00","2026-10-27 10:00:05","2026-10-27 10:03:00",'
        '175,170,"ANSWERED","DOCUMENTATION","1761570000.{i}",""\n'
    )
    landing = tmp_path / "landing"
    (landing / "calls").mkdir(parents=True)
    (landing / "calls" / "Master.csv").write_text(line.format(i=1) + line.format(i=2))
    ingest_landing(landing, str(tmp_path / "lake"))
    bronze = lake.read_table("bronze.call_records", str(tmp_path / "lake"))
    privacy = PrivacyContext(KEY, Pseudonymizer(KEY), build_analyzer({}))
    silver = conform_calls(bronze, Directory.empty(), privacy, "America/Sao_Paulo")
    assert silver.height == 2 and silver["duration_s"].to_list() == [175, 175]
