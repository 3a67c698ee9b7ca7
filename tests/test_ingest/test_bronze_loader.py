"""Loading landing files into bronze: once per file, every line accounted for, chain verifiable."""

from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.ingest.bronze import hash_chain, sha256_text
from pipelines.ingest.bronze_loader import ingest_landing

EXPORT = (
    "27/10/2026 09:15 - As mensagens e as ligações são protegidas com a criptografia de ponta a "
    "ponta.\n"
    "27/10/2026 09:16 - Ana Souza: Bom dia! Segue a petição\n"
    "com a segunda linha\n"
    "27/10/2026 09:20 - Maria: Obrigada\n"
)
CDR = (
    '"","2001","011912345678","from-internal","""Ana"" <2001>","SIP/2001-1","SIP/t-2","Dial",'
    '"SIP/t/011912345678","2026-10-27 10:00:00","2026-10-27 10:00:05","2026-10-27 10:03:00",'
    '175,170,"ANSWERED","DOCUMENTATION","1761570000.1",""\n'
)


def _landing(root: Path) -> Path:
    landing = root / "landing"
    (landing / "whatsapp" / "E001").mkdir(parents=True)
    (landing / "calls").mkdir()
    (landing / "whatsapp" / "E001" / "Conversa do WhatsApp com Maria.txt").write_text(
        "texto solto antes do cabeçalho\n" + EXPORT, encoding="utf-8")
    (landing / "calls" / "Master.csv").write_text(CDR, encoding="utf-8")
    return landing


def test_every_line_lands_in_bronze_or_quarantine_once(tmp_path):
    landing = _landing(tmp_path)
    base = str(tmp_path / "lake")
    first = ingest_landing(landing, base)
    assert (first.files_ingested, first.records, first.quarantined) == (
        2, {"bronze.whatsapp_messages": 3, "bronze.call_records": 1}, 1)
    messages = lake.read_table("bronze.whatsapp_messages", base)
    quarantine = lake.read_table("bronze.quarantine", base)
    assert messages["line_count"].sum() + quarantine["line_count"].sum() == 5
    assert quarantine["reason"].str.contains("line 1").all()
    assert messages.filter(pl.col("line_number") == 3)["raw"].item().endswith("segunda linha")

    second = ingest_landing(landing, base)
    assert (second.files_ingested, second.files_skipped) == (0, 2)
    assert lake.read_table("bronze.whatsapp_messages", base).height == 3


def test_the_same_bytes_under_another_name_are_loaded_once(tmp_path):
    landing = _landing(tmp_path)
    copy = landing / "whatsapp" / "E001" / "Conversa do WhatsApp com Maria (2).txt"
    copy.write_bytes((landing / "whatsapp" / "E001" / "Conversa do WhatsApp com Maria.txt")
                     .read_bytes())
    report = ingest_landing(landing, str(tmp_path / "lake"))
    assert (report.files_seen, report.files_ingested, report.files_skipped) == (3, 2, 1)


def test_rows_of_an_interrupted_load_are_replaced_not_duplicated(tmp_path):
    landing = _landing(tmp_path)
    base = str(tmp_path / "lake")
    ingest_landing(landing, base)
    # simulate a crash after the records but before the manifest row: drop the manifest
    lake.delta_table("bronze.ingest_manifest", base).delete()
    report = ingest_landing(landing, base)
    assert report.orphans_removed == 5  # 3 messages + 1 call + 1 quarantined line
    assert lake.read_table("bronze.whatsapp_messages", base).height == 3
    assert lake.read_table("bronze.call_records", base).height == 1


def test_hash_chain_breaks_on_edit_removal_or_reorder():
    raws = ["a", "b", "c"]
    _, chain = hash_chain("seed", raws)
    assert hash_chain("seed", raws)[1] == chain
    for tampered in (["a", "B", "c"], ["a", "c"], ["b", "a", "c"]):
        assert hash_chain("seed", tampered)[1][-1] != chain[-1]
    assert hash_chain("seed", raws)[0] == [sha256_text(r) for r in raws]


@pytest.mark.parametrize("name", ["notes.md", ".hidden.txt"])
def test_other_files_are_ignored(tmp_path, name):
    landing = _landing(tmp_path)
    (landing / "whatsapp" / "E001" / name).write_text("x", encoding="utf-8")
    assert ingest_landing(landing, str(tmp_path / "lake")).files_seen == 2
