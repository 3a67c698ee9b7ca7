"""`vigia verify`: intact bronze passes; any changed, reordered or removed record is named."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.cli import main
from pipelines.ingest.bronze import sha256_text
from pipelines.ingest.bronze_loader import ingest_landing
from pipelines.ingest.verify import verify_rows, verify_tables

EXPORT = (
    "27/10/2026 09:15 - Ana Souza: Bom dia\n"
    "27/10/2026 09:16 - Maria: Oi\n"
    "continua aqui\n"
    "27/10/2026 09:20 - Ana Souza: Segue o documento\n"
    "27/10/2026 09:21 - Maria: Obrigada\n"
)
CDR = "".join(
    f'"","2001","0119123456{i}","from-internal","""Ana"" <2001>","SIP/2001-{i}","SIP/t-{i}",'
    f'"Dial","SIP/t/x","2026-10-27 10:0{i}:00","2026-10-27 10:0{i}:05","2026-10-27 10:0{i}:30",'
    f'30,25,"ANSWERED","DOCUMENTATION","1761570000.{i}",""\n'
    for i in range(3)
)
DELIVERY = (
    '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages",'
    '"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"5511912345678",'
    '"phone_number_id":"99"},"messages":[{"from":"5511988887777","id":"wamid.%d",'
    '"timestamp":"1761570000","type":"text","text":{"body":"oi %d"}}],'
    '"statuses":[{"id":"wamid.s%d","status":"read","timestamp":"1761570001",'
    '"recipient_id":"5511988887777"}]}}]}]}\n'
)
WHATSAPP = "bronze.whatsapp_messages"


@pytest.fixture
def lakehouse(tmp_path: Path) -> str:
    landing = tmp_path / "landing"
    (landing / "whatsapp" / "E001").mkdir(parents=True)
    (landing / "calls").mkdir()
    (landing / "cloud_api").mkdir()
    (landing / "whatsapp" / "E001" / "chat.txt").write_text(EXPORT, encoding="utf-8")
    (landing / "calls" / "Master.csv").write_text(CDR, encoding="utf-8")
    (landing / "cloud_api" / "day.jsonl").write_text(
        "".join(DELIVERY % (i, i, i) for i in range(3)), encoding="utf-8"
    )
    base = str(tmp_path / "lake")
    ingest_landing(landing, base, timezone="America/Sao_Paulo")
    return base


def _breaks(base: str, tables=None):
    return [b for r in verify_tables(tables, base) for b in r.breaks]


def test_intact_bronze_verifies(lakehouse):
    results = verify_tables(None, lakehouse)
    assert [r.ok for r in results] == [True, True, True, True]
    assert {r.table: r.records for r in results} == {
        "bronze.whatsapp_messages": 4,
        "bronze.call_records": 3,
        "bronze.cloud_api_messages": 3,
        "bronze.cloud_api_statuses": 3,
    }


def _update(base: str, table: str, predicate: str, updates: dict[str, str]) -> None:
    lake.delta_table(table, base).update(updates=updates, predicate=predicate)


@pytest.mark.parametrize(
    ("table", "predicate", "updates", "line", "problem"),
    [
        (WHATSAPP, "line_number = 2", {"raw": "concat(raw, ' ')"}, 2, "record changed"),
        # the tamperer also rewrites the record hash: the chain still breaks there
        (
            WHATSAPP,
            "line_number = 4",
            {"raw": "'x'", "record_sha256": f"'{sha256_text('x')}'"},
            4,
            "chain_sha256 does not follow",
        ),
        # swapping the order of two records
        (WHATSAPP, "line_number IN (2, 4)", {"line_number": "6 - line_number"}, 2, "does not"),
        ("bronze.call_records", "line_number = 1", {"raw": "upper(raw)"}, 1, "record changed"),
        (
            "bronze.cloud_api_messages",
            "item_index = 0 AND line_number = 2",
            {"raw": "replace(raw, 'oi', 'ok')"},
            2,
            "record changed",
        ),
        (
            "bronze.cloud_api_statuses",
            "line_number = 3",
            {"raw": "replace(raw, 'read', 'sent')"},
            3,
            "record changed",
        ),
    ],
)
def test_a_rewritten_row_is_named(lakehouse, table, predicate, updates, line, problem):
    _update(lakehouse, table, predicate, updates)
    breaks = _breaks(lakehouse)
    assert len(breaks) == 1
    assert (breaks[0].table, breaks[0].line_number) == (table, line)
    assert problem in breaks[0].problem
    sha = lake.read_table(table, lakehouse)["file_sha256"][0]
    assert breaks[0].file_sha256 == sha


@pytest.mark.parametrize(("removed", "named_line"), [(1, 2), (2, 4), (4, 5)])
def test_a_removed_record_breaks_the_chain_after_it(lakehouse, removed, named_line):
    lake.delta_table(WHATSAPP, lakehouse).delete(f"line_number = {removed}")
    breaks = _breaks(lakehouse, [WHATSAPP])
    assert [(b.table, b.line_number) for b in breaks][:1] == [(WHATSAPP, named_line)]
    assert "removed" in breaks[0].problem


def test_removing_the_last_record_is_caught_by_the_manifest_count(lakehouse):
    lake.delta_table(WHATSAPP, lakehouse).delete("line_number = 5")
    (only,) = _breaks(lakehouse, [WHATSAPP])
    assert only.line_number is None
    assert "manifest recorded 4" in only.problem and "after line 4" in only.problem


def test_removing_a_whole_table_of_a_kind_is_caught(lakehouse):
    lake.delta_table("bronze.cloud_api_statuses", lakehouse).delete()
    (only,) = _breaks(lakehouse, ["bronze.cloud_api_messages"])
    assert "holds 3 records but the ingest manifest recorded 6" in only.problem


def test_only_the_first_break_of_a_file_is_reported():
    raws = ["a", "b", "c"]
    rows = pl.DataFrame(
        {
            "file_sha256": ["f"] * 3,
            "line_number": [1, 2, 3],
            "raw": ["A", "B", "c"],
            "record_sha256": [sha256_text(r) for r in raws],
            "chain_sha256": ["x", "y", "z"],
        }
    )
    (only,) = verify_rows("bronze.t", rows, ["line_number"])
    assert (only.line_number, only.file_sha256) == (1, "f")


def test_cli_exit_codes_and_message(lakehouse, monkeypatch, capsys):
    monkeypatch.setenv("LAKEHOUSE_URI", lakehouse)
    assert main(["verify"]) == 0
    assert "hash chains intact" in capsys.readouterr().out
    _update(lakehouse, "bronze.call_records", "line_number = 3", {"raw": "lower(raw)"})
    assert main(["verify", "--table", "bronze.call_records"]) == 1
    out = capsys.readouterr().out
    assert "first bad record: bronze.call_records: file sha256 " in out and ", line 3:" in out
    assert "Ana" not in out  # no record content in the report


@pytest.mark.parametrize(
    "argv", [["verify", "--table", "silver.messages"], ["verify", "--table", "bronze.quarantine"]]
)
def test_cli_rejects_tables_without_a_chain(lakehouse, monkeypatch, capsys, argv):
    monkeypatch.setenv("LAKEHOUSE_URI", lakehouse)
    assert main(argv) == 2
    assert "has no hash chain" in capsys.readouterr().err


def test_cli_on_an_empty_lakehouse(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LAKEHOUSE_URI", str(tmp_path / "none"))
    assert main(["verify"]) == 2
    assert "run `vigia run` first" in capsys.readouterr().err
