"""Delta ``binary`` columns (vault.identities' nonce and ciphertext) in contracts.

ODCS has no binary logical type, so a binary column is ``logicalType: string`` with
``physicalType: binary``; its values must be bytes, and text-only options are refused.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
import yaml

from data_contracts import CONTRACTS_DIR, ContractError, load_contract, load_contracts
from data_contracts.gx_suite import compile_contract
from data_contracts.physical_types import logical_type_of, polars_schema, schema_differences
from data_contracts.validation import validate_frame
from pipelines.privacy.keyring import VaultKey
from pipelines.privacy.vault import VAULT_SCHEMA, Identity, seal

VAULT = CONTRACTS_DIR / "vault.identities.odcs.yaml"
KEY = VaultKey(b"\x42" * 32)  # test-only vault key
TOKENS = ["P-000000000001", "P-000000000002", "P-000000000003"]


def sealed_rows() -> pl.DataFrame:
    """Vault rows as pipelines.privacy.vault writes them, for three test identities."""
    now = datetime(2026, 10, 30, 12, tzinfo=UTC)
    sealed = [
        seal(KEY, t, Identity.of(f"email:pessoa{i}@example.com")) for i, t in enumerate(TOKENS)
    ]
    return pl.DataFrame(
        {
            "token": TOKENS,
            "key_id": [KEY.key_id] * 3,
            "nonce": [n for n, _ in sealed],
            "ciphertext": [c for _, c in sealed],
            "first_seen": [now - timedelta(days=1)] * 3,
            "updated_at": [now] * 3,
            "encrypted_at": [now] * 3,
        },
        schema=VAULT_SCHEMA,
    )


def test_binary_is_a_delta_type_with_logical_type_string():
    assert polars_schema({"b": pl.Binary}) == {"b": "binary"}
    assert logical_type_of("binary") == "string"
    contract = load_contracts()["vault.identities"]
    assert schema_differences(contract, polars_schema(VAULT_SCHEMA)) == []


def test_the_suite_expects_bytes_in_binary_columns_and_str_in_string_columns():
    plan = compile_contract(load_contracts()["vault.identities"])
    types = {
        p.expectation.column: p.expectation.type_
        for p in plan
        if type(p.expectation).__name__ == "ExpectColumnValuesToBeOfType"
    }
    assert types["nonce"] == types["ciphertext"] == "bytes"
    assert types["token"] == types["key_id"] == "str"


def test_sealed_vault_rows_meet_the_contract():
    report = validate_frame(load_contracts()["vault.identities"], sealed_rows())
    assert report.passed, [r.description for r in report.errors]


def _text_ciphertext(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.with_columns(ciphertext=pl.lit('{"identifier": "email:x@example.com"}'))


def _reused_nonce(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.with_columns(nonce=pl.lit(rows["nonce"][0], pl.Binary))


@pytest.mark.parametrize(
    ("corrupt", "rules"),
    [
        (
            _text_ciphertext,
            {"schema matches the contract", "ciphertext is of type binary"},
        ),
        (_reused_nonce, {"duplicates of (key_id, nonce) = 0"}),
        (
            lambda r: r.with_columns(ciphertext=pl.lit(None, pl.Binary)),
            {"ciphertext is not null"},
        ),
    ],
    ids=["clear-text ciphertext", "nonce reused under a key", "missing ciphertext"],
)
def test_a_corrupted_vault_fails_its_rule_naming_tokens_not_identities(corrupt, rules):
    report = validate_frame(load_contracts()["vault.identities"], corrupt(sealed_rows()))
    failed = {r.description.split(": ")[1]: r for r in report.errors}
    assert set(failed) == rules
    for result in failed.values():
        assert "example.com" not in result.description
        assert set(result.sample) <= set(TOKENS)


def _vault_with(tmp_path: Path, **options) -> Path:
    data = yaml.safe_load(VAULT.read_text())
    ciphertext = next(p for p in data["schema"][0]["properties"] if p["name"] == "ciphertext")
    ciphertext["logicalTypeOptions"] = options
    path = tmp_path / VAULT.name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_a_pseudonymous_binary_column_needs_no_pattern(tmp_path):
    contract = load_contract(_vault_with(tmp_path))
    column = contract.column("ciphertext")
    assert (column.classification, column.physical_type) == ("pseudonymous", "binary")


@pytest.mark.parametrize(
    "options", [{"pattern": "^[0-9a-f]+$"}, {"minLength": 80}, {"maxLength": 4096}]
)
def test_text_options_on_a_binary_column_are_refused_naming_file_and_field(tmp_path, options):
    path = _vault_with(tmp_path, **options)
    with pytest.raises(ContractError) as error:
        load_contract(path)
    message = str(error.value)
    assert message.startswith(f"{path}: schema[0].properties[3]"), message
    assert f"ciphertext: {next(iter(options))} cannot be checked on binary values" in message
