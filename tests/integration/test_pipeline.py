"""generate -> every asset -> gold on a small generated firm, in a temporary lakehouse."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.definitions import build_defs
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.summary import asset_tables, table_counts
from pipelines.synthetic.law_firm import generate
from tests.lakehouse_expectations import MAY_BE_EMPTY

TEST_KEY = "6b" * 32  # test-only pseudonym key (hex)


def physical_lines(path: Path) -> int:
    text = path.read_bytes().decode("utf-8-sig")
    if not text:
        return 0
    parts = re.split(r"\r\n|\r|\n", text)
    return len(parts) - 1 if parts[-1] == "" else len(parts)


@pytest.fixture(scope="module")
def firm(tmp_path_factory):
    root = tmp_path_factory.mktemp("firm")
    generate(root, days=6, employees=6, clients=40, seed=11, end=date(2026, 10, 30))
    settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_KEY", TEST_KEY)
        patch.setenv("VIGIA_VAULT_KEY_FILE", str(root / "vault.key"))
        patch.delenv("DAGSTER_HOME", raising=False)
        defs = build_defs(settings)
        tables = asset_tables(defs)
        first = run_pipeline(defs, settings.lakehouse_uri)
        counts_first = table_counts(tables, settings.lakehouse_uri)
        second = run_pipeline(defs, settings.lakehouse_uri)
        counts_second = table_counts(tables, settings.lakehouse_uri)
    return {
        "root": root,
        "base": settings.lakehouse_uri,
        "runs": (first, second),
        "counts": (counts_first, counts_second),
        "tables": tables,
    }


def test_runs_succeed_and_every_table_has_rows(firm):
    first, second = firm["runs"]
    assert first.success, first.failed_checks + first.failed_steps
    assert second.success, second.failed_checks + second.failed_steps
    empty = [name for name, rows in firm["counts"][0].items() if rows == 0]
    assert sorted(set(empty) - set(MAY_BE_EMPTY)) == []


def test_running_twice_leaves_the_same_row_counts(firm):
    assert firm["counts"][0] == firm["counts"][1]
    assert set(firm["counts"][0]) == set(firm["tables"])


def test_bronze_plus_quarantine_equals_input_lines(firm):
    landing = firm["root"] / "landing"
    base = firm["base"]
    messages = lake.read_table("bronze.whatsapp_messages", base)
    calls = lake.read_table("bronze.call_records", base)
    quarantine = (
        lake.read_table("bronze.quarantine", base)
        if lake.table_exists("bronze.quarantine", base)
        else pl.DataFrame(schema={"source_file": pl.Utf8, "line_count": pl.Int64})
    )
    cloud_lines = pl.concat(
        [
            lake.read_table(name, base).select("source_file", "line_number")
            for name in ("bronze.cloud_api_messages", "bronze.cloud_api_statuses")
        ]
    ).unique()
    manifest = lake.read_table("bronze.ingest_manifest", base)
    files = sorted(p for p in (landing / "whatsapp").rglob("*.txt"))
    files += sorted((landing / "calls").rglob("*.csv"))
    files += sorted((landing / "cloud_api").rglob("*.jsonl"))
    assert len(files) == manifest.height
    assert any(p.suffix == ".jsonl" for p in files)
    for path in files:
        relative = path.relative_to(landing).as_posix()
        quarantined = quarantine.filter(pl.col("source_file") == relative)["line_count"].sum()
        header = 0
        if path.suffix == ".txt":
            stored = messages.filter(pl.col("source_file") == relative)["line_count"].sum()
        elif path.suffix == ".jsonl":  # one delivery per line, several records per delivery
            stored = cloud_lines.filter(pl.col("source_file") == relative).height
        else:
            stored = calls.filter(pl.col("source_file") == relative).height
            header = manifest.filter(pl.col("source_file") == relative)["header_lines"].item()
        assert stored + quarantined + header == physical_lines(path), relative


def _identifiers(root: Path) -> list[str]:
    people = pl.read_csv(root / "ground_truth" / "people.csv", infer_schema=False)
    found: set[str] = set()
    for row in people.iter_rows(named=True):
        for column in ("phone_e164", "phone_as_written", "email"):
            value = (row.get(column) or "").strip()
            if value:
                found.add(value.lower())
        if row.get("phone_e164"):
            found.add(row["phone_e164"].lstrip("+"))  # 5511912345678
            found.add(row["phone_e164"][3:])  # 11912345678 (BR national)
        cpf = (row.get("cpf") or "").strip()
        if cpf:
            digits = re.sub(r"\D", "", cpf)
            found.update({cpf, digits, f"{digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:]}"})
    return sorted(v for v in found if len(v) >= 8)


def test_silver_and_gold_hold_no_phone_cpf_or_email_of_generated_people(firm):
    identifiers = _identifiers(firm["root"])
    assert len(identifiers) > 50
    leaks = []
    for name in firm["tables"]:
        if not name.startswith(("silver.", "gold.")):
            continue
        frame = lake.read_table(name, firm["base"])
        for column, dtype in frame.schema.items():
            values = frame.get_column(column)
            if dtype == pl.List(pl.Utf8):
                values = values.explode()
            elif dtype != pl.Utf8:
                continue
            hits = values.drop_nulls().str.to_lowercase().str.contains_any(identifiers)
            if hits.any():
                leaks.append(f"{name}.{column}: {int(hits.sum())} values")
    assert leaks == []


def test_bronze_keeps_the_evidence_in_clear(firm):
    """The scan above can fail: bronze (the evidence) does contain the generated identifiers."""
    identifiers = _identifiers(firm["root"])
    raw = lake.read_table("bronze.whatsapp_messages", firm["base"])["raw"].str.to_lowercase()
    assert raw.str.contains_any(identifiers).sum() > 0


def test_flagged_messages_name_their_rules(firm):
    scores = lake.read_table("gold.message_scores", firm["base"])
    assert scores.height > 0
    assert scores["rule_ids"].list.len().min() >= 1
    assert scores["score"].is_between(0, 1, closed="right").all()


def test_the_torn_call_record_is_quarantined_with_a_reason(firm):
    quarantine = lake.read_table("bronze.quarantine", firm["base"])
    torn = quarantine.filter(pl.col("source_file") == "calls/Master.csv")
    assert torn.height == 1
    master = (firm["root"] / "landing" / "calls" / "Master.csv").read_text(encoding="utf-8")
    assert torn["raw"].item() == master.split("\n")[-1]
    assert torn["line_number"].item() == physical_lines(firm["root"] / "landing/calls/Master.csv")
    assert torn["reason"].item()
