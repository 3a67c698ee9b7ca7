"""`vigia export-subject`: a person's rows from silver, gold and audit as JSON and CSV with a
SHA-256 manifest, logged; refusals write no file and say why."""

from __future__ import annotations

import hashlib
import json

import polars as pl
import pytest

from pipelines import lake
from pipelines.cli import main
from pipelines.governance.access_log import read_access_log
from tests.test_analytics.small_firm import identifiers
from tests.test_governance.governance_lake import REASON, firm_copy


@pytest.fixture
def firm(tmp_path, tmp_path_factory, monkeypatch):
    return firm_copy(tmp_path, tmp_path_factory, monkeypatch)


def employee(firm, index: int = 0) -> dict:
    people = pl.read_csv(firm / "ground_truth" / "people.csv", infer_schema=False)
    return people.filter(pl.col("kind") == "employee").row(index, named=True)


def export(out, subject: str, user: str = "dpo.test", reason: str = REASON) -> int:
    args = ["--subject", subject, "--out", str(out), "--user", user, "--reason", reason]
    return main(["export-subject", *args])


def token_of(firm, person: dict) -> str:
    """The employee's pseudonym computed the way silver does (key + directory aliases)."""
    from pipelines.conform.directory import Directory
    from pipelines.privacy.keys import load_key
    from pipelines.privacy.pseudonyms import Pseudonymizer, canonical_phone

    directory = Directory.load(firm / "landing" / "reference")
    pseudonymizer = Pseudonymizer(load_key(), directory.aliases())
    token = pseudonymizer.token(canonical_phone(person["phone_e164"]))
    assert token in set(lake.read_table("silver.calls")["employee_token"])
    return token


@pytest.mark.parametrize("spelling", ["phone_as_written", "phone_e164", "email", "token"])
def test_every_spelling_of_a_subject_exports_the_same_rows(firm, tmp_path, capsys, spelling):
    person = employee(firm)
    token = token_of(firm, person)
    subject = token if spelling == "token" else person[spelling]
    out = tmp_path / "export"
    assert export(out, subject) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["subject"] == token
    for entry in manifest["files"]:
        data = (out / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
    names = {e["name"] for e in manifest["files"]}
    for table, rows in manifest["rows"].items():
        assert {f"{table}.json", f"{table}.csv"} <= names
        assert len(json.loads((out / f"{table}.json").read_text())) == rows
        assert pl.read_csv(out / f"{table}.csv").height == rows
    calls = lake.read_table("silver.calls").filter(
        (pl.col("employee_token") == token) | (pl.col("counterpart_token") == token)
    )
    assert manifest["rows"]["silver.calls"] == calls.height > 0
    assert manifest["rows"]["silver.messages"] > 0
    exported = json.loads((out / "silver.calls.json").read_text())
    assert sorted(r["call_id"] for r in exported) == sorted(calls["call_id"])
    log = read_access_log(actions=["subject_export"])
    assert log["outcome"].to_list() == ["granted"] and log["token"][0] == token
    assert log["event_id"][0] == manifest["access_event_id"]
    logged = log.write_csv().lower()
    assert not [v for v in identifiers(firm) if v in logged], "the log names the pseudonym only"
    assert token in capsys.readouterr().out


def test_a_second_export_includes_the_first_in_the_access_log(firm, tmp_path):
    token = token_of(firm, employee(firm, 1))
    assert export(tmp_path / "one", token) == 0
    assert export(tmp_path / "two", token) == 0
    manifest = json.loads((tmp_path / "two" / "manifest.json").read_text())
    assert manifest["rows"]["audit.access_log"] == 1, "accesses to their data are theirs too"


@pytest.mark.parametrize(
    ("subject", "user", "reason", "problem", "logged"),
    [
        (None, "dpo.test", "", "reason", "no_reason"),
        (None, "dpo.test", "short", "at least 15", "reason_too_short"),
        (None, "manager.test", REASON, "needs one of the roles", "role_not_allowed"),
        (None, "nobody", REASON, "needs one of the roles", "unknown_user"),
        ("+55 11 3333-4444", "dpo.test", REASON, "no silver or gold table", "unknown_subject"),
        ("P-000000000000", "dpo.test", REASON, "no silver or gold table", "unknown_subject"),
        ("not a phone", "dpo.test", REASON, "phone number, an e-mail", None),
    ],
)
def test_a_refused_export_writes_no_file(
    firm, tmp_path, capsys, subject, user, reason, problem, logged
):
    out = tmp_path / "export"
    assert export(out, subject or employee(firm)["phone_e164"], user, reason) == 2
    err = capsys.readouterr().err
    assert problem in err and "nothing was exported" in err
    assert "3333" not in err and "+55" not in err, "the refusal never repeats the identifier"
    assert not out.exists()
    log = read_access_log(actions=["subject_export"])
    assert log["detail"].to_list() == ([logged] if logged else [])
    assert set(log["outcome"]) <= {"denied"}


def test_a_non_empty_folder_is_refused(firm, tmp_path, capsys):
    out = tmp_path / "export"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    assert export(out, employee(firm)["email"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
