"""Asterisk cdr-csv parser: column layouts, header rows, quarantine, dispositions, files."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.ingest.call_records import (
    BASE_FIELDS,
    CallRecord,
    normalise_disposition,
    parse_asterisk_cdr,
    read_asterisk_cdr,
)
from pipelines.ingest.errors import ExportReadError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calls"

ROW = {
    "accountcode": "", "src": "2001", "dst": "011912345678", "dcontext": "from-internal",
    "clid": '"Ana Souza" <2001>', "channel": "PJSIP/2001-00000001",
    "dstchannel": "PJSIP/trunk-00000002", "lastapp": "Dial",
    "lastdata": "PJSIP/011912345678@trunk,60,tT", "start": "2025-10-28 14:02:11",
    "answer": "2025-10-28 14:02:15", "end": "2025-10-28 14:05:20", "duration": "189",
    "billsec": "185", "disposition": "ANSWERED", "amaflags": "DOCUMENTATION",
    "uniqueid": "1761671531.1", "userfield": "", "peeraccount": "",
    "linkedid": "1761671531.1", "sequence": "7",
}
EXTRA = ("uniqueid", "userfield", "peeraccount", "linkedid", "sequence")


def csv_line(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="").writerow(values)
    return out.getvalue()


def row_line(columns: int, **changes: str) -> str:
    names = (*BASE_FIELDS, *EXTRA)[:columns] if columns <= 21 else (*BASE_FIELDS, *EXTRA)
    values = [changes.get(name, ROW[name]) for name in names]
    return csv_line(values + ["x"] * (columns - len(values)))


@pytest.mark.parametrize(
    ("columns", "uniqueid", "userfield", "linkedid", "sequence"),
    [
        (16, "", "", "", None),
        (17, "1761671531.1", "", "", None),
        (18, "1761671531.1", "", "", None),
        (21, "1761671531.1", "", "1761671531.1", 7),
    ],
)
def test_columns_are_decided_by_count(columns, uniqueid, userfield, linkedid, sequence):
    parsed = parse_asterisk_cdr(row_line(columns) + "\n")
    assert parsed.quarantined == [] and parsed.column_counts == {columns: 1}
    record = parsed.records[0]
    assert (record.uniqueid, record.userfield, record.linkedid, record.sequence) == (
        uniqueid, userfield, linkedid, sequence)
    assert record.clid == '"Ana Souza" <2001>'  # doubled quotes undone
    assert record.start == datetime(2025, 10, 28, 14, 2, 11)
    assert (record.duration, record.billsec, record.column_count) == (189, 185, columns)


@pytest.mark.parametrize(
    ("line", "reason_part"),
    [
        (row_line(15), "15 columns"),
        (row_line(19), "19 columns"),
        (row_line(20), "20 columns"),
        (row_line(18, start="28/10/2025 14:02"), "field 'start' is not a time"),
        (row_line(18, start="2025-02-30 14:02:11"), "field 'start' is not a valid date"),
        (row_line(18, end=""), "field 'end' is not a time"),
        (row_line(18, answer="soon"), "field 'answer' is not a time"),
        (row_line(18, duration="12.5"), "field 'duration' is not a whole number"),
        (row_line(18, billsec="-3"), "field 'billsec' is not a whole number"),
        (row_line(18, duration="１２"), "field 'duration' is not a whole number"),
        (row_line(18, disposition="MAYBE"), "field 'disposition' is not one of"),
        (row_line(21, sequence="x"), "field 'sequence' is not a whole number"),
        ('"2001","unterminated', "cannot be read as CSV"),
        ("", "is empty"),
        ("   ", "is empty"),
    ],
)
def test_bad_rows_are_quarantined_with_line_and_field(line, reason_part):
    text = f"{row_line(18)}\n{line}\n{row_line(18)}\n"
    parsed = parse_asterisk_cdr(text)
    assert [r.line_number for r in parsed.records] == [1, 3]
    [bad] = parsed.quarantined
    assert (bad.line_number, bad.line_count, bad.raw) == (2, 1, line)
    assert bad.reason.startswith("line 2") and reason_part in bad.reason
    assert "Ana" not in bad.reason and "0119" not in bad.reason


def test_unanswered_calls_have_no_answer_time():
    record = parse_asterisk_cdr(row_line(18, answer="", disposition="NO ANSWER")).records[0]
    assert (record.answer, record.disposition) == (None, "NO ANSWER")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ANSWERED", "ANSWERED"), ("answered", "ANSWERED"), ("NO ANSWER", "NO ANSWER"),
        ("NOANSWER", "NO ANSWER"), ("NO_ANSWER", "NO ANSWER"), (" busy ", "BUSY"),
        ("FAILED", "FAILED"), ("CONGESTION", "CONGESTION"),
        ("NORMAL_CLEARING", "ANSWERED"), ("USER_BUSY", "BUSY"),
        ("NO_USER_RESPONSE", "NO ANSWER"), ("ORIGINATOR_CANCEL", "NO ANSWER"),
        ("NORMAL_CIRCUIT_CONGESTION", "CONGESTION"), ("UNALLOCATED_NUMBER", "FAILED"),
        ("UNKNOWN", None), ("", None), ("ANSWERED!", None),
    ],
)
def test_normalise_disposition(value, expected):
    assert normalise_disposition(value) == expected


def test_header_row_is_counted_not_quarantined():
    parsed = read_asterisk_cdr(FIXTURES / "master_with_header.csv")
    assert parsed.header_lines == 1 and parsed.total_lines == 5
    assert [r.line_number for r in parsed.records] == [2, 3]
    assert [q.line_number for q in parsed.quarantined] == [4, 5]
    assert "'duration'" in parsed.quarantined[0].reason
    assert "'start'" in parsed.quarantined[1].reason
    assert parsed.column_counts == {17: 1, 18: 1}


def test_a_header_naming_the_fields_decides_their_positions():
    names = ["start", "src", "dst", *[n for n in BASE_FIELDS if n not in {"start", "src", "dst"}]]
    values = [ROW[n] for n in names]
    parsed = parse_asterisk_cdr(f"{','.join(names)}\n{csv_line(values)}\n")
    assert parsed.header_lines == 1 and parsed.quarantined == []
    record = parsed.records[0]
    assert (record.src, record.dst, record.start) == ("2001", "011912345678",
                                                      datetime(2025, 10, 28, 14, 2, 11))


@pytest.mark.parametrize(
    "line",
    ["a,b,c", "foo,bar,baz,start", csv_line(["x"] * 18), "src,dst,start,2025-10-28 14:02:11"],
)
def test_rows_that_are_not_headers_are_quarantined(line):
    parsed = parse_asterisk_cdr(line + "\n")
    assert parsed.header_lines == 0 and len(parsed.quarantined) == 1


@pytest.mark.parametrize(
    ("fixture", "records", "dispositions"),
    [
        ("master_18.csv", 5, ["ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"]),
        ("master_16.csv", 2, ["ANSWERED", "NO ANSWER"]),
        ("master_21.csv", 2, ["ANSWERED", "ANSWERED"]),
    ],
)
def test_fixture_files(fixture, records, dispositions):
    parsed = read_asterisk_cdr(FIXTURES / fixture)
    assert len(parsed.records) == records and parsed.quarantined == []
    assert [r.disposition for r in parsed.records] == dispositions
    assert parsed.encoding == "utf-8" and parsed.layout == "asterisk-cdr-csv"
    lines = (FIXTURES / fixture).read_text(encoding="utf-8").splitlines()
    assert [r.raw for r in parsed.records] == lines


def test_rows_of_one_call_share_the_linkedid():
    calls = read_asterisk_cdr(FIXTURES / "master_21.csv").records
    assert {c.linkedid for c in calls} == {"1761829200.10"}
    assert [c.sequence for c in calls] == [1, 2] and calls[1].userfield == "transferida"


def test_crlf_and_cp1252_files(tmp_path):
    text = row_line(18, userfield="ligação") + "\r\n" + row_line(18) + "\r\n"
    path = tmp_path / "Master.csv"
    path.write_bytes(text.encode("cp1252"))
    parsed = read_asterisk_cdr(path)
    assert parsed.encoding == "cp1252" and parsed.total_lines == 2
    assert parsed.records[0].userfield == "ligação"
    assert all(isinstance(r, CallRecord) and "\r" not in r.raw for r in parsed.records)


def test_missing_file_raises_an_error_naming_it(tmp_path):
    with pytest.raises(ExportReadError, match="Master.csv"):
        read_asterisk_cdr(tmp_path / "Master.csv")
