"""Consent, do-not-call and security tables from a Dagster run on a small generated firm, checked
against the generator's ground truth (tests/test_analytics/small_firm.py, built once)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import dagster as dg
import polars as pl
import pytest

from data_contracts import load_contracts
from data_contracts.validation import validate_table
from pipelines import lake
from pipelines.defs.governance.consents import gold_consent_violations
from pipelines.defs.governance.dnc import gold_dnc_violations
from pipelines.defs.governance.reference import governance_reference
from pipelines.defs.governance.security import gold_security_alerts
from pipelines.defs.resources import default_resources
from pipelines.governance.access_log import AccessEvent, append_events
from pipelines.runner import RANGE_END, RANGE_START
from pipelines.settings import Settings
from tests.test_analytics.small_firm import TEST_KEY, identifiers, leaks, small_firm

TABLES = (
    "silver.consents",
    "silver.dnc_registry",
    "silver.reference_rejects",
    "gold.consent_violations",
    "gold.dnc_violations",
    "gold.security_alerts",
)


@pytest.fixture(scope="module")
def firm(tmp_path_factory):
    return small_firm(tmp_path_factory)


def read(firm, table: str) -> pl.DataFrame:
    return lake.read_table(table, str(firm / "lakehouse"))


def truth(firm) -> dict[str, set[str]]:
    """call_id of every call the generator flagged, by flag (dnc, no_consent)."""
    flags = pl.read_csv(firm / "ground_truth" / "call_flags.csv", infer_schema=False)
    key = pl.coalesce(pl.col("linkedid").replace("", None), pl.col("uniqueid"))
    calls = read(firm, "silver.calls").select("call_id", "source_call_id")
    joined = flags.with_columns(key.alias("source_call_id")).join(calls, on="source_call_id")
    assert joined.height == flags.height, "every flagged call is in silver.calls"
    return {
        flag: set(joined.filter(pl.col("flag") == flag)["call_id"])
        for flag in ("dnc", "no_consent")
    }


def test_the_run_writes_every_table_from_the_reference_files(firm):
    for table in TABLES:
        assert lake.table_exists(table, str(firm / "lakehouse")), table
    consents = read(firm, "silver.consents")
    landing_rows = pl.read_csv(firm / "landing" / "reference" / "consents.csv").height
    assert consents.height == landing_rows  # every line loaded, none rejected
    assert read(firm, "silver.reference_rejects").is_empty()
    dnc_rows = pl.read_csv(firm / "landing" / "reference" / "do_not_call.csv").height
    assert read(firm, "silver.dnc_registry").height == dnc_rows
    assert read(firm, "gold.security_alerts").is_empty()  # nobody used the dashboards


def test_do_not_call_violations_match_the_ground_truth(firm):
    expected = truth(firm)["dnc"]
    found = set(read(firm, "gold.dnc_violations")["call_id"])
    assert expected, "the generator always seeds some do-not-call calls"
    assert found == expected  # precision and recall 1


def test_call_consent_violations_match_the_ground_truth(firm):
    flagged = truth(firm)
    violations = read(firm, "gold.consent_violations")
    calls = set(violations.filter(pl.col("consent_channel") == "call")["call_id"])
    # every no-consent call is found; every call found was flagged by the generator (a
    # do-not-call number is flagged "dnc" there even when it also has no consent)
    assert flagged["no_consent"] <= calls
    assert calls <= flagged["no_consent"] | flagged["dnc"]
    assert violations.filter(pl.col("channel") == "whatsapp").height > 0


def test_no_identifier_reaches_the_governance_tables(firm):
    values = identifiers(firm)
    for table in TABLES:
        assert leaks(read(firm, table).write_json(), values) == [], table


def test_a_run_rejects_bad_reference_rows_and_raises_security_alerts(firm, tmp_path, monkeypatch):
    root = tmp_path / "firm"
    shutil.copytree(firm / "landing", root / "landing")
    shutil.copytree(firm / "lakehouse", root / "lakehouse")
    reference = root / "landing" / "reference"
    with (reference / "consents.csv").open("a", encoding="utf-8") as f:
        f.write("11987654321,fax,given,2025-11-20T10:00:00-03:00,contrato\n")
    with (reference / "do_not_call.csv").open("a", encoding="utf-8") as f:
        f.write("not a number,2025-11-01,procon\n")
    base = str(root / "lakehouse")
    night = datetime(2025, 11, 19, 23, 30, tzinfo=UTC) + timedelta(hours=3)  # local 23:30
    append_events(
        [
            AccessEvent(
                user="compliance.demo",
                role="compliance",
                action="reidentify",
                outcome="granted",
                token="P-0000000000c3",
                at=night + timedelta(minutes=i),
            )
            for i in range(5)
        ],
        base,
    )
    monkeypatch.setenv("VIGIA_KEY", TEST_KEY)
    monkeypatch.setenv("VIGIA_VAULT_KEY_FILE", str(firm / "vault.key"))
    settings = Settings(lakehouse_uri=base, landing_dir=root / "landing")
    result = dg.materialize(
        [governance_reference, gold_dnc_violations, gold_consent_violations, gold_security_alerts],
        resources=default_resources(settings),
        tags={RANGE_START: "2025-11-15", RANGE_END: "2025-11-24"},
    )
    assert result.success
    rejects = lake.read_table("silver.reference_rejects", base)
    assert sorted(zip(rejects["kind"], rejects["field"], strict=True)) == [
        ("consents", "channel"),
        ("do_not_call", "phone"),
    ]
    consent_lines = len((reference / "consents.csv").read_text().splitlines())
    assert rejects.filter(pl.col("kind") == "consents")["line_number"].to_list() == [consent_lines]
    counts = {
        e.asset_key.path[-1]: e.materialization.metadata
        for e in result.get_asset_materialization_events()
        if e.asset_key.path[0] == "silver"
    }
    consents = counts["consents"]
    assert consents["rows_in_files"].value == consent_lines - 1
    assert consents["dagster/row_count"].value + consents["rejected"].value == consent_lines - 1
    alerts = lake.read_table("gold.security_alerts", base)
    assert set(alerts["rule_id"]) == {"reidentifications_per_day", "after_hours_access"}
    assert set(alerts["user"]) == {"compliance.demo"}
    for table in ("silver.reference_rejects", "gold.security_alerts"):  # empty on the demo
        report = validate_table(load_contracts()[table], base)
        assert report.rows > 0 and report.errors == [], [r.description for r in report.errors]
