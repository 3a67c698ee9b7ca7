"""vault/identities on a small generated firm: every token silver holds can be re-identified."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

import pipelines.defs
from pipelines import lake
from pipelines.defs.governance.assets import vault_identities
from pipelines.defs.governance.checks import identities_are_sealed
from pipelines.defs.resources import FirmResource, LakehouseResource, default_resources
from pipelines.governance.text_identities import placeholder_tokens
from pipelines.privacy.keyring import load_keyring
from pipelines.privacy.phones import to_e164
from pipelines.privacy.vault import VAULT_TABLE, Vault
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.synthetic.law_firm import generate

TEST_KEY = "5c" * 32  # test-only pseudonym key (hex)
TEST_VAULT_KEY = "a7" * 32  # test-only vault key (hex)
TOKEN_COLUMNS = {
    "silver.messages": ["sender_token", "employee_token", "counterpart_token"],
    "silver.calls": ["employee_token", "counterpart_token"],
    "silver.participants": ["token"],
}


def assets_without_checks(settings: Settings) -> dg.Definitions:
    """The code location's assets and jobs without its checks: this module tests the vault, not
    the contracts of the other tables (tests/integration runs everything together)."""
    loaded = dg.load_defs(defs_root=pipelines.defs)
    jobs = {job.name: job for job in loaded.jobs or []}
    return dg.Definitions(
        assets=loaded.assets, jobs=list(jobs.values()), resources=default_resources(settings)
    )


@pytest.fixture(scope="module")
def firm(tmp_path_factory):
    root = tmp_path_factory.mktemp("firm")
    generate(root, days=3, employees=5, clients=25, seed=5, end=date(2026, 10, 30))
    settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_KEY", TEST_KEY)
        patch.setenv("VIGIA_VAULT_KEY", TEST_VAULT_KEY)
        patch.delenv("DAGSTER_HOME", raising=False)
        run = run_pipeline(assets_without_checks(settings), settings.lakehouse_uri)
        assert run.success, run.failed_steps
        resources = {
            "lakehouse": LakehouseResource(uri=settings.lakehouse_uri),
            "firm": FirmResource(landing_dir=str(settings.landing_dir)),
        }
        vault = Vault(load_keyring(), settings.lakehouse_uri)
        filled_by_run = vault.rows().height  # the daily job materializes vault/identities
        second = vault_identities(**resources)
        check = identities_are_sealed(lakehouse=resources["lakehouse"])
        identities = vault.decrypt(vault.rows())
    return {
        "root": root,
        "base": settings.lakehouse_uri,
        "filled_by_run": filled_by_run,
        "rerun": second.metadata,
        "check": check,
        "identities": identities,
    }


def test_every_token_in_silver_is_in_the_vault(firm):
    missing = {}
    for table, columns in TOKEN_COLUMNS.items():
        frame = lake.read_table(table, firm["base"])
        for column in columns:
            tokens = set(frame[column].drop_nulls())
            assert tokens, (table, column)
            missing[(table, column)] = tokens - set(firm["identities"])
    assert not any(missing.values()), missing


def test_directory_people_carry_their_name_and_identifiers(firm):
    employees = pl.read_csv(firm["root"] / "landing" / "reference" / "employees.csv")
    by_directory_id = {i.directory_id: i for i in firm["identities"].values() if i.directory_id}
    for row in employees.iter_rows(named=True):
        identity = by_directory_id[row["employee_id"]]
        assert identity.display_name == row["name"] and identity.role == "employee"
        assert identity.identifier == f"tel:{to_e164(row['phone'])}"
        assert f"email:{row['email'].lower()}" in identity.aliases


def test_the_pipeline_fills_the_vault_and_a_rerun_rewrites_nothing(firm):
    assert firm["filled_by_run"] == len(firm["identities"]) > 0
    second = firm["rerun"]
    assert second["inserted"] == 0 and second["updated"] == 0
    assert second["unchanged"] == second["tokens_seen"] > 0
    assert second["texts_analysed"] == second["tokens_from_text"] == 0  # text tokens all known
    assert second["dagster/row_count"] == len(firm["identities"])


def test_every_token_in_silver_text_is_in_the_vault(firm):
    silver = lake.scan_table("silver.messages", firm["base"])
    tokens = set(placeholder_tokens(silver).collect()["token"])
    assert tokens
    assert tokens <= set(firm["identities"])
    kinds = {firm["identities"][t].kind for t in tokens}
    assert "PERSON" in kinds  # names found in text only, not just the parties' own tokens


def test_check_passes(firm):
    assert firm["check"].passed, firm["check"].description


def test_no_identifier_at_rest_in_the_vault(firm):
    people = pl.read_csv(firm["root"] / "ground_truth" / "people.csv", infer_schema=False)
    needles = set()
    for column in ("name", "phone_e164", "phone_as_written", "email", "cpf"):
        needles |= {v for v in people[column].drop_nulls() if len(v) >= 6}
    needles |= {v[1:] for v in people["phone_e164"].drop_nulls()}  # without the plus
    assert needles
    root = Path(lake.table_uri(VAULT_TABLE, firm["base"]))
    data = b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())
    found = [n for n in needles if n.encode("utf-8") in data]
    assert found == []
