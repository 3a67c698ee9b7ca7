"""Contracts against a small demo lakehouse: schemas match the code, data passes, corruption fails.

The lakehouse is built once for the module (generate -> every asset, with the generated checks).
"""

from __future__ import annotations

import shutil
from datetime import date

import polars as pl
import pytest

from data_contracts import load_contracts
from data_contracts.physical_types import delta_schema, schema_differences
from data_contracts.validation import validate_frame, validate_table
from pipelines import lake
from pipelines.cli import main
from pipelines.definitions import build_defs
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.synthetic.law_firm import generate
from tests.lakehouse_expectations import MAY_BE_EMPTY, WRITTEN_BY_USERS

TEST_KEY = "6b" * 32  # test-only pseudonym key (hex)
PHONE = "+5511987654321"
CPF = "529.982.247-25"


@pytest.fixture(scope="module")
def firm(tmp_path_factory):
    root = tmp_path_factory.mktemp("contracts")
    generate(root, days=4, employees=5, clients=30, seed=5, end=date(2026, 10, 30))
    settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_KEY", TEST_KEY)
        patch.delenv("DAGSTER_HOME", raising=False)
        summary = run_pipeline(build_defs(settings), settings.lakehouse_uri)
    return {"root": root, "base": settings.lakehouse_uri, "summary": summary}


def test_pipeline_with_generated_checks_succeeds(firm):
    summary = firm["summary"]
    assert summary.success, summary.failed_checks + summary.failed_steps
    assert summary.failed_checks == []


@pytest.mark.parametrize("table", sorted(load_contracts()))
def test_delta_schema_written_by_the_code_matches_the_contract(firm, table):
    contract = load_contracts()[table]
    if table in WRITTEN_BY_USERS and not lake.table_exists(table, firm["base"]):
        pytest.skip(f"{table} is written by {WRITTEN_BY_USERS[table]}, not by a pipeline run")
    assert lake.table_exists(table, firm["base"]), f"{table} was not written"
    delta = lake.delta_table(table, firm["base"])
    partitions = list(delta.metadata().partition_columns)
    assert schema_differences(contract, delta_schema(delta), partitions) == []


@pytest.mark.parametrize("table", sorted(load_contracts()))
def test_every_contract_holds_on_the_demo_lakehouse(firm, table):
    if table in WRITTEN_BY_USERS and not lake.table_exists(table, firm["base"]):
        pytest.skip(f"{table} is written by {WRITTEN_BY_USERS[table]}, not by a pipeline run")
    report = validate_table(load_contracts()[table], firm["base"])
    assert report.rows > 0 or table in MAY_BE_EMPTY
    assert report.errors == [], [r.description for r in report.errors]


def test_a_contract_change_that_does_not_match_the_code_fails(firm):
    contract = load_contracts()["silver.calls"]
    delta = lake.delta_table("silver.calls", firm["base"])
    columns = tuple(
        c if c.name != "duration_s" else type(c)(**{**c.__dict__, "physical_type": "integer"})
        for c in contract.columns
    )
    changed = type(contract)(**{**contract.__dict__, "columns": columns[:-1]})
    problems = schema_differences(changed, delta_schema(delta))
    assert "duration_s: contract says integer, table has long" in problems
    assert "billsec_s: in the table, not in the contract" in problems


def _frame(firm, table: str) -> pl.DataFrame:
    return lake.read_table(table, firm["base"])


def _set(frame: pl.DataFrame, row: int, **values) -> pl.DataFrame:
    index = pl.int_range(pl.len()) == row
    return frame.with_columns(
        pl.when(index).then(pl.lit(v, frame.schema[c])).otherwise(pl.col(c)).alias(c)
        for c, v in values.items()
    )


def _failures(firm, table: str, frame: pl.DataFrame) -> list:
    report = validate_frame(load_contracts()[table], frame, base=firm["base"])
    assert not report.passed
    return report.errors


def test_null_key_fails_not_null_with_count(firm):
    frame = _set(_frame(firm, "silver.messages"), 3, message_id=None)
    failed = {r.description.split(": ")[1]: r for r in _failures(firm, "silver.messages", frame)}
    rule = failed["message_id is not null"]
    assert rule.failing == 1
    assert rule.description.startswith("silver.messages: message_id is not null: 1 failing rows")


def test_raw_phone_in_a_pseudonym_column_fails_with_ids_not_the_phone(firm):
    frame = _frame(firm, "silver.messages").filter(pl.col("sender_token").is_not_null())
    victim = frame["message_id"][2]
    frame = _set(frame, 2, sender_token=PHONE)
    failed = _failures(firm, "silver.messages", frame)
    assert [r.description for r in failed] == [
        f"silver.messages: sender_token matches ^P-[0-9a-f]{{12}}$: 1 failing rows "
        f"(must be = 0), e.g. {victim}"
    ]
    assert failed[0].sample == [victim]
    assert PHONE not in failed[0].description and PHONE[1:] not in failed[0].description


def test_duplicate_id_fails_uniqueness_naming_the_id(firm):
    calls = _frame(firm, "silver.calls")
    duplicated = pl.concat([calls, calls.head(1)])
    failed = {r.description.split(": ")[1]: r for r in _failures(firm, "silver.calls", duplicated)}
    rule = failed["call_id is unique"]
    assert rule.failing == 2 and set(rule.sample) == {calls["call_id"][0]}


def test_cpf_left_in_redacted_text_fails_naming_the_message_not_the_cpf(firm):
    frame = _frame(firm, "silver.messages")
    victim = frame["message_id"][5]
    frame = _set(frame, 5, text_redacted=f"meu cpf é {CPF}")
    failed = _failures(firm, "silver.messages", frame)
    assert len(failed) == 1 and failed[0].sample == [f"{victim} (CPF in text_redacted)"]
    assert CPF not in failed[0].description


@pytest.mark.parametrize(
    ("table", "values", "rule"),
    [
        ("gold.contact_timing", {"hour": 25}, "hour in [0, 23]"),
        ("gold.contact_timing", {"channel": "fax"}, "channel in {message, call}"),
        ("silver.calls", {"billsec_s": 10**6}, "billsec_s <= duration_s"),
        (
            "silver.calls",
            {"counterpart_token": "11987654321"},
            "counterpart_token matches ^P-[0-9a-f]{12}$",
        ),
        ("bronze.ingest_manifest", {"parsed_lines": 0}, "parsed + quarantined"),
    ],
)
def test_each_corruption_fails_its_own_rule(firm, table, values, rule):
    frame = _set(_frame(firm, table), 0, **values)
    failed = [r.description for r in _failures(firm, table, frame)]
    assert any(rule in d for d in failed), failed
    assert all(d.startswith(f"{table}: ") for d in failed)


def test_a_good_frame_passes_and_a_wrong_type_fails(firm):
    hours = _frame(firm, "gold.contact_timing")
    assert validate_frame(load_contracts()["gold.contact_timing"], hours).passed
    wrong = hours.with_columns(pl.col("hour").cast(pl.Int64))
    failed = [r.description for r in _failures(firm, "gold.contact_timing", wrong)]
    assert failed == [
        "gold.contact_timing: schema matches the contract: 1 differences: "
        "hour: contract says byte, table has long"
    ]


def test_rows_missing_from_bronze_fail_the_manifest_reconciliation(firm):
    rows = _frame(firm, "bronze.whatsapp_messages")
    lost = rows["file_sha256"][0]
    failed = _failures(firm, "bronze.whatsapp_messages", rows.slice(1))
    assert len(failed) == 1 and failed[0].sample == [lost]
    assert "rows per file differ from the ingest manifest" in failed[0].description


def test_cli_validate_exits_zero_on_the_demo_and_one_on_a_corrupted_table(
    firm, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("LAKEHOUSE_URI", firm["base"])
    assert main(["contracts", "validate", "--table", "silver.calls"]) == 0
    copy = tmp_path / "lakehouse"
    shutil.copytree(firm["base"], copy)
    calls = lake.read_table("silver.calls", str(copy))
    lake.append(calls.head(2), "silver.calls", partition_by=["event_date"], base=str(copy))
    monkeypatch.setenv("LAKEHOUSE_URI", str(copy))
    capsys.readouterr()
    assert main(["contracts", "validate", "--table", "silver.calls"]) == 1
    out = capsys.readouterr().out
    assert "FAILED silver.calls" in out and "call_id is unique: 4 failing rows" in out


def test_too_many_quarantined_lines_fail_the_blocking_bronze_check(firm, tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    shutil.copytree(firm["root"] / "landing", landing)
    export = landing / "whatsapp" / "E001" / "Conversa do WhatsApp com Lixo.txt"
    # three lines before the first message header are quarantined: 75% of the file
    export.write_text(
        "".join(f"??? {i}\n" for i in range(3)) + "28/10/2026 10:00 - Ana: oi\n", encoding="utf-8"
    )
    settings = Settings(lakehouse_uri=str(tmp_path / "lake"), landing_dir=landing)
    monkeypatch.setenv("VIGIA_KEY", TEST_KEY)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    summary = run_pipeline(build_defs(settings), settings.lakehouse_uri)
    assert not summary.success
    assert any("quarantined share of each file <= 5%" in c for c in summary.failed_checks)
    assert not lake.table_exists("silver.messages", settings.lakehouse_uri)


def test_a_failed_blocking_silver_check_stops_gold_in_the_same_run(firm, tmp_path, monkeypatch):
    """Break redaction: silver.messages then holds a CPF and a phone in clear, its blocking
    contract check fails, and Dagster does not materialize the gold assets downstream of it."""
    import pipelines.conform.cloud_messages as cloud
    import pipelines.conform.messages as conform

    def no_redaction(texts, *args, **kwargs):
        return list(texts)

    monkeypatch.setattr(conform, "redact_many", no_redaction)
    monkeypatch.setattr(cloud, "redact_many", no_redaction)
    landing = tmp_path / "landing"
    shutil.copytree(firm["root"] / "landing", landing)
    (landing / "whatsapp" / "E001" / "Conversa do WhatsApp com Teste.txt").write_text(
        f"28/10/2026 10:00 - Teste: meu cpf é {CPF}, liga no (11) 98765-4321\n", encoding="utf-8"
    )
    settings = Settings(lakehouse_uri=str(tmp_path / "lake"), landing_dir=landing)
    monkeypatch.setenv("VIGIA_KEY", TEST_KEY)
    monkeypatch.setenv("VIGIA_VAULT_KEY_FILE", str(tmp_path / "vault.key"))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    summary = run_pipeline(build_defs(settings), settings.lakehouse_uri)
    assert not summary.success
    failed = " ".join(c for c in summary.failed_checks if "silver.messages" in c)
    assert "no e-mail, CPF or phone" in failed
    assert CPF not in failed and "98765-4321" not in failed
    assert lake.table_exists("silver.messages", settings.lakehouse_uri)  # written, then checked
    gold = ("gold.message_scores", "gold.contact_frequency_daily", "gold.contact_timing")
    for downstream in gold:
        assert not lake.table_exists(downstream, settings.lakehouse_uri), downstream
