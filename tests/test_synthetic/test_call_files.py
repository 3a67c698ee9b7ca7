"""The demo's call records: one file per phone system family (Asterisk cdr-csv, Asterisk
cdr_custom, FreeSWITCH mod_cdr_csv), read back with the production parsers, and a ground truth
that points at the right rows."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from pipelines.ingest.call_mappings import mapping_for, read_mapped_calls
from pipelines.ingest.call_records import CallRecord, ParsedCalls, read_asterisk_cdr
from pipelines.privacy.phones import to_e164
from pipelines.synthetic.law_firm import generate

END = date(2026, 11, 23)
SMALL = {"days": 10, "employees": 12, "clients": 40, "seed": 11, "end": END}
MAIN = "calls/Master.csv"
CUSTOM = "calls/asterisk_cdr_custom/Master.csv"
FREESWITCH = "calls/freeswitch_cdr_csv/Master.csv"
CAUSES = {  # FreeSWITCH hangup cause -> disposition, as telephony people read them
    "NORMAL_CLEARING": {"ANSWERED", "NO ANSWER"},  # NO ANSWER when there is no answer time
    "NO_ANSWER": {"NO ANSWER"},
    "ORIGINATOR_CANCEL": {"NO ANSWER"},
    "NO_USER_RESPONSE": {"NO ANSWER"},
    "USER_BUSY": {"BUSY"},
    "CALL_REJECTED": {"BUSY"},
    "UNALLOCATED_NUMBER": {"FAILED"},
    "NORMAL_TEMPORARY_FAILURE": {"FAILED"},
    "NO_ROUTE_DESTINATION": {"FAILED"},
}


def read_calls(landing: Path) -> dict[str, ParsedCalls]:
    """Every call file under landing/calls, read as the bronze loader reads it."""
    files = {}
    for path in sorted((landing / "calls").rglob("*.csv")):
        relative = path.relative_to(landing).as_posix()
        mapping = mapping_for(relative)
        files[relative] = read_mapped_calls(path, mapping) if mapping else read_asterisk_cdr(path)
    return files


def legs_by_call(records: list[CallRecord]) -> dict[str, list[CallRecord]]:
    calls = defaultdict(list)
    for record in records:
        calls[record.linkedid or record.uniqueid].append(record)
    return calls


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict, dict[str, ParsedCalls]]:
    out = tmp_path_factory.mktemp("calls_demo")
    summary = generate(out, **SMALL)
    return out, summary, read_calls(out / "landing")


def test_every_phone_system_writes_its_file(demo):
    _, summary, files = demo
    assert set(files) == {MAIN, CUSTOM, FREESWITCH}
    assert {name: parsed.total_lines for name, parsed in files.items()} == summary["call_files"]
    assert [files[MAIN].layout, files[CUSTOM].layout, files[FREESWITCH].layout] == [
        "asterisk-cdr-csv",
        "asterisk_cdr_custom",
        "freeswitch_cdr_csv",
    ]
    assert files[MAIN].column_counts.keys() == {18}
    assert files[CUSTOM].column_counts.keys() == {20}
    assert files[FREESWITCH].column_counts.keys() == {15}
    for name, parsed in files.items():  # only the torn last line of Master.csv is unreadable
        lines = [q.line_number for q in parsed.quarantined]
        assert lines == ([parsed.total_lines] if name == MAIN else []), name
        assert all(r.start.tzinfo is None for r in parsed.records)  # local time, no zone


def test_legs_add_up_to_the_calls_drawn(demo):
    _, summary, files = demo
    counted = {name: len(legs_by_call(parsed.records)) for name, parsed in files.items()}
    assert counted[MAIN] == len(files[MAIN].records)  # one row per call in cdr-csv
    assert sum(counted.values()) == summary["calls"]
    assert counted == {
        MAIN: summary["calls_by_system"]["asterisk_cdr_csv"],
        CUSTOM: summary["calls_by_system"]["asterisk_cdr_custom"],
        FREESWITCH: summary["calls_by_system"]["freeswitch_cdr_csv"],
    }


def test_cdr_custom_queues_answered_inbound_calls(demo):
    calls = legs_by_call(demo[2][CUSTOM].records)
    queued = [legs for legs in calls.values() if len(legs) == 2]
    assert queued and all(len(legs) <= 2 for legs in calls.values())
    for legs in queued:
        queue, agent = sorted(legs, key=lambda r: r.sequence)
        assert (queue.lastapp, agent.lastapp) == ("Queue", "AppQueue")
        assert queue.linkedid == agent.linkedid == queue.uniqueid != agent.uniqueid
        assert queue.src == agent.src and agent.dst.isdigit() and len(agent.dst) == 4
        assert queue.end == agent.start and agent.disposition == "ANSWERED"
    for (single,) in (legs for legs in calls.values() if len(legs) == 1):
        assert single.lastapp == "Dial" and single.linkedid == single.uniqueid


def test_freeswitch_legs_and_hangup_causes(demo):
    records = demo[2][FREESWITCH].records
    for record in records:
        assert record.disposition in CAUSES[record.disposition_raw], record.disposition_raw
    assert {"NORMAL_CLEARING"} < {r.disposition_raw for r in records}
    for legs in legs_by_call(records).values():
        if len(legs) == 1:  # an unanswered call: the A leg alone
            assert legs[0].answer is None and legs[0].disposition != "ANSWERED"
            continue
        b_leg, a_leg = sorted(legs, key=lambda r: r.uniqueid != r.linkedid)
        assert a_leg.raw.split(",")[11].strip('"') == b_leg.uniqueid  # the A leg's bleg_uuid
        assert a_leg.start <= b_leg.start and a_leg.end == b_leg.end
        assert {a_leg.disposition, b_leg.disposition} == {"ANSWERED"}


def test_some_calls_have_legs_on_two_dates(demo):
    _, summary, files = demo
    crossing = [
        legs
        for name in (CUSTOM, FREESWITCH)
        for legs in legs_by_call(files[name].records).values()
        if len({leg.start.date() for leg in legs}) == 2
    ]
    assert len(crossing) == summary["calls_with_legs_on_two_dates"] >= 1
    for legs in crossing:
        first = min(leg.start for leg in legs)
        assert first.hour == 23 and first.minute >= 57


def test_call_flags_point_at_flagged_outbound_calls(demo):
    out, summary, files = demo
    truth = read_csv(out / "ground_truth" / "call_flags.csv")
    assert len(truth) == sum(summary["calls_flagged"].values()) > 0
    extensions = {e["extension"] for e in read_csv(out / "landing/reference/employees.csv")}
    dnc = {to_e164(r["phone"]) for r in read_csv(out / "landing/reference/do_not_call.csv")}
    clients = {to_e164(c["phone"]) for c in read_csv(out / "landing/reference/clients.csv")}
    for row in truth:
        records = {r.line_number: r for r in files[row["source_file"]].records}
        record = records[int(row["line_number"])]
        assert record.uniqueid == row["uniqueid"] and record.linkedid == row["linkedid"]
        assert record.src in extensions and record.dst not in extensions  # outbound
        dialled = to_e164(record.dst)
        assert dialled in (dnc if row["flag"] == "dnc" else clients), row
    assert {row["source_file"] for row in truth} <= set(files)


@pytest.mark.slow
def test_default_size_uses_every_hangup_cause(tmp_path):
    summary = generate(tmp_path, end=END)
    files = read_calls(tmp_path / "landing")
    assert {r.disposition_raw for r in files[FREESWITCH].records} == set(CAUSES)
    assert summary["calls_with_legs_on_two_dates"] >= 3
