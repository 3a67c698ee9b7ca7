"""`vigia parse FILE`: detects the file type, prints JSON Lines, summary on stderr."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.ingest.text_lines import physical_lines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SUMMARY = re.compile(
    r"^(?P<kind>\w+) \((?P<layout>[\w-]+)\): (?P<parsed>\d+) parsed \((?P<plines>\d+) lines\), "
    r"(?P<quarantined>\d+) quarantined \((?P<qlines>\d+) lines\)(?:, (?P<header>\d+) header)?, "
    r"(?P<total>\d+) lines in the file$"
)
CASES = [
    *((p, "whatsapp") for p in sorted((FIXTURES / "whatsapp").glob("*.txt"))),
    *((p, "cloud_api") for p in sorted((FIXTURES / "cloud_api").iterdir())),
    *((p, "call_records") for p in sorted((FIXTURES / "calls").rglob("*.csv"))),
]


def _run(capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(["parse", *argv])
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    return code, records, captured.err.strip()


@pytest.mark.parametrize(("path", "kind"), CASES, ids=lambda v: getattr(v, "name", v))
def test_every_fixture_parses_with_the_right_type(capsys, path, kind):
    code, records, err = _run(capsys, str(path), "--quarantined")
    assert code == 0
    summary = SUMMARY.match(err)
    assert summary, err
    assert summary["kind"] == kind
    parsed = [r for r in records if r["kind"] != "quarantined"]
    quarantined = [r for r in records if r["kind"] == "quarantined"]
    assert int(summary["parsed"]) == len(parsed) and int(summary["quarantined"]) == len(quarantined)
    lines = physical_lines(path.read_bytes().decode("utf-8-sig"))
    assert int(summary["total"]) == len(lines)
    assert int(summary["plines"]) + int(summary["qlines"]) + int(summary["header"] or 0) == len(
        lines
    )
    for record in parsed:
        assert {"kind", "timestamp", "sender", "body", "attachment"} <= record.keys()
        datetime.fromisoformat(record["timestamp"])
    for record in quarantined:
        assert record["reason"].startswith("line")


def test_records_carry_what_was_parsed(capsys):
    _, records, _ = _run(capsys, str(FIXTURES / "cloud_api" / "all_types.jsonl"))
    document = next(r for r in records if r["kind"] == "document")
    assert document["attachment"] == "Contrato_assinado.pdf"
    assert document["timestamp"].endswith("+00:00")
    statuses = [r["status"] for r in records if r["kind"] == "status"]
    assert statuses == ["sent", "delivered", "read", "played", "failed"]
    _, records, _ = _run(capsys, str(FIXTURES / "whatsapp" / "android_ptbr_24h.txt"))
    assert {r["kind"] for r in records} >= {"text", "media", "system"}


def test_quarantined_records_only_on_request(capsys):
    path = str(FIXTURES / "cloud_api" / "broken.jsonl")
    _, plain, _ = _run(capsys, path)
    _, everything, _ = _run(capsys, path, "--quarantined")
    assert all(r["kind"] != "quarantined" for r in plain)
    assert len(everything) - len(plain) == 9


def test_a_mapping_can_be_forced(tmp_path, capsys):
    source = FIXTURES / "calls" / "freeswitch_cdr_csv" / "Master.csv"
    copy = tmp_path / "cdr.csv"  # a folder that names no mapping: detected by width
    copy.write_bytes(source.read_bytes())
    _, detected, err = _run(capsys, str(copy))
    assert "(freeswitch_cdr_csv)" in err and len(detected) == 4
    _, forced, err = _run(capsys, str(copy), "--mapping", "asterisk_cdr_custom")
    assert "(asterisk_cdr_custom)" in err and forced == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.txt"], "no such file"),
        (["{fixture}", "--mapping", "nope"], "no call mapping 'nope'"),
    ],
)
def test_user_errors(capsys, argv, message):
    fixture = str(FIXTURES / "calls" / "master_18.csv")
    code = main(["parse", *(a.format(fixture=fixture) for a in argv)])
    assert code == 2 and message in capsys.readouterr().err


def test_a_binary_file_is_refused(tmp_path, capsys):
    path = tmp_path / "chat.txt"
    path.write_bytes(bytes(range(256)) * 4)
    assert main(["parse", str(path)]) == 2
    assert "not a text file" in capsys.readouterr().err
