"""Every contract parses, every table asset has one, broken files fail with file and field named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from data_contracts import CONTRACTS_DIR, ContractError, load_contract, load_contracts
from data_contracts.dictionary import render
from data_contracts.gx_suite import compile_contract
from pipelines.definitions import defs
from tests.lakehouse_expectations import WRITTEN_BY_USERS

REPO = Path(__file__).resolve().parents[2]


def table_assets() -> set[str]:
    graph = defs.get_repository_def().asset_graph
    return {".".join(key.path) for key in graph.get_all_asset_keys()}


def test_every_table_asset_has_a_contract_and_every_contract_a_table():
    contracts = load_contracts()
    assert sorted(table_assets() - set(contracts)) == [], "add data_contracts/<table>.odcs.yaml"
    orphans = set(contracts) - table_assets() - set(WRITTEN_BY_USERS)
    assert sorted(orphans) == [], "contract without an asset (or a table people's actions write)"


def test_every_contracted_asset_has_a_generated_blocking_check_on_bronze_and_silver():
    graph = defs.get_repository_def().asset_graph
    checks = {
        ".".join(k.asset_key.path): graph.get_check_spec(k)
        for k in graph.asset_check_keys
        if k.name == "contract"
    }
    assert set(checks) == set(load_contracts()) - set(WRITTEN_BY_USERS)
    for table, spec in checks.items():
        assert spec.blocking == table.startswith(("bronze.", "silver.")), table


@pytest.mark.parametrize("path", sorted(CONTRACTS_DIR.glob("*.odcs.yaml")), ids=lambda p: p.name)
def test_contract_is_odcs_shaped_with_owner_retention_and_classified_columns(path):
    contract = load_contract(path)
    raw = yaml.safe_load(path.read_text())
    assert raw["apiVersion"] == "v3.1.0" and raw["kind"] == "DataContract"
    assert contract.owner and contract.purpose and contract.retention_days
    assert all(c.classification in ("pii", "pseudonymous", "public") for c in contract.columns)
    if contract.layer != "bronze":
        assert not [c.name for c in contract.columns if c.classification == "pii"]
    for column in contract.columns:
        if column.name.endswith("_token") or column.name == "token":
            assert column.options["pattern"] == "^P-[0-9a-f]{12}$", column.name


def test_bronze_raw_sender_and_body_are_pii():
    contracts = load_contracts()
    messages = contracts["bronze.whatsapp_messages"]
    assert {messages.column(n).classification for n in ("raw", "sender", "body")} == {"pii"}
    assert contracts["bronze.call_records"].column("raw").classification == "pii"


def test_suite_holds_types_nulls_uniques_sets_ranges_patterns_row_count_and_freshness():
    plan = compile_contract(load_contracts()["bronze.whatsapp_messages"])
    kinds = {type(p.expectation).__name__ for p in plan}
    assert {
        "ExpectColumnValuesToBeOfType",
        "ExpectColumnValuesToNotBeNull",
        "ExpectColumnValuesToBeUnique",
        "ExpectColumnValuesToBeBetween",
        "ExpectColumnValuesToMatchRegex",
        "ExpectTableRowCountToBeBetween",
        "ExpectColumnMaxToBeBetween",
        "ExpectTableColumnsToMatchSet",
    } <= kinds
    calls = {
        type(p.expectation).__name__ for p in compile_contract(load_contracts()["silver.calls"])
    }
    assert {"ExpectColumnValuesToBeInSet", "ExpectColumnPairValuesAToBeGreaterThanB"} <= calls


def test_data_dictionary_is_up_to_date():
    committed = (REPO / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == render(load_contracts().values()), "run `vigia contracts docs`"


GOOD = CONTRACTS_DIR / "silver.participants.odcs.yaml"


def _broken(tmp_path: Path, edit, name: str = "silver.participants.odcs.yaml") -> Path:
    data = yaml.safe_load(GOOD.read_text())
    edit(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _prop(data, name):
    return next(p for p in data["schema"][0]["properties"] if p["name"] == name)


@pytest.mark.parametrize(
    ("edit", "where", "problem"),
    [
        (lambda d: d.pop("apiVersion"), "apiVersion", "is required"),
        (lambda d: d.update(apiVersion="v2.2.2"), "apiVersion", "v3.1.0"),
        (lambda d: d["description"].pop("purpose"), "description.purpose", "is required"),
        (lambda d: d.update(team={"name": "x", "members": []}), "team.members", "role: owner"),
        (
            lambda d: _prop(d, "role").update(classification="secret"),
            "schema[0].properties[1].classification",
            "not one of",
        ),
        (
            lambda d: _prop(d, "role").update(logicalType="text"),
            "schema[0].properties[1].logicalType",
            "not one of",
        ),
        (
            lambda d: _prop(d, "role").update(classification="pii"),
            "schema[0].properties[1]",
            "only bronze",
        ),
        (lambda d: _prop(d, "token").pop("primaryKey"), "schema[0].properties", "primaryKey"),
        (
            lambda d: _prop(d, "manager_token").pop("logicalTypeOptions"),
            "schema[0].properties[4]",
            "pattern or a noPiiInText",
        ),
        (
            lambda d: _prop(d, "role")["quality"][0].pop("mustBe"),
            "schema[0].properties[1].quality[0].mustBe",
            "needs an operator",
        ),
        (lambda d: d.update(slaProperties=[]), "slaProperties", "retention"),
        (
            lambda d: d["slaProperties"][0].update(element="participants.nope"),
            "slaProperties[0].element",
            "names no column",
        ),
    ],
)
def test_a_broken_contract_names_file_and_field(tmp_path, edit, where, problem):
    path = _broken(tmp_path, edit)
    with pytest.raises(ContractError) as error:
        load_contract(path)
    message = str(error.value)
    assert message.startswith(f"{path}: {where}"), message
    assert problem in message


def test_file_name_must_match_the_table(tmp_path):
    path = _broken(tmp_path, lambda d: None, name="silver.people.odcs.yaml")
    with pytest.raises(ContractError, match="physicalName.*must match the file name"):
        load_contract(path)


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "silver.participants.odcs.yaml"
    path.write_text("apiVersion: v3.1.0\nkind: [DataContract\n")
    with pytest.raises(ContractError, match=r"line \d+: not valid YAML"):
        load_contract(path)
