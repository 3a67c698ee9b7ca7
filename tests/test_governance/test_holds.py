"""`vigia hold add | list | release`: holds are appended to audit.legal_holds by allowed roles
with a reason; every refusal names what to do and writes nothing."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines import lake
from pipelines.cli import main
from pipelines.governance.holds import LEGAL_HOLDS_TABLE, holds_in_force, read_holds
from tests.test_governance.governance_lake import REASON, firm_copy

TOKEN = "P-0123456789ab"
CHAT = "C-0123456789abcdef"


@pytest.fixture
def firm(tmp_path, tmp_path_factory, monkeypatch):
    return firm_copy(tmp_path, tmp_path_factory, monkeypatch)


def hold(*args: str) -> int:
    return main(["hold", *args])


def add(target: str = TOKEN, *, flag: str = "--subject", **over: str) -> int:
    opts = {"--until": "2099-12-31", "--reason": REASON, "--user": "dpo.test", **over}
    return hold("add", flag, target, *[x for kv in opts.items() for x in kv])


def test_add_list_release_keep_every_row_and_the_latest_state(firm, capsys):
    assert add() == 0
    assert add(CHAT, flag="--conversation", **{"--user": "compliance.test"}) == 0
    rows = read_holds()
    assert rows.height == 2 and set(rows["action"]) == {"placed"}
    assert holds_in_force(date(2099, 12, 31)).subjects == {TOKEN}
    assert holds_in_force(date(2099, 12, 31)).conversations == {CHAT}
    assert not holds_in_force(date(2100, 1, 1)), "a hold lapses after its until date"
    hold_id = rows.filter(pl.col("target") == TOKEN)["hold_id"][0]
    capsys.readouterr()
    assert hold("list") == 0
    listed = capsys.readouterr().out
    assert hold_id in listed and CHAT in listed and "in force" in listed

    assert hold("release", hold_id, "--reason", REASON + " closed", "--user", "dpo.test") == 0
    rows = read_holds()
    assert rows.height == 3, "a release appends a row, it never rewrites one"
    assert rows.filter(pl.col("hold_id") == hold_id)["action"].to_list() == ["placed", "released"]
    assert holds_in_force(date(2099, 1, 1)).subjects == frozenset()
    capsys.readouterr()
    assert hold("list") == 0
    assert hold_id not in capsys.readouterr().out
    assert hold("list", "--all") == 0
    assert f"{hold_id}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("target", "flag", "over", "problem"),
    [
        (TOKEN, "--subject", {"--reason": ""}, "reason"),
        (TOKEN, "--subject", {"--reason": "because"}, "at least 15"),
        (TOKEN, "--subject", {"--until": "31/12/2099"}, "YYYY-MM-DD"),
        (TOKEN, "--subject", {"--until": "2001-01-01"}, "in the past"),
        (TOKEN, "--subject", {"--user": "nobody"}, "not in"),
        (TOKEN, "--subject", {"--user": "manager.test"}, "may not place"),
        ("+55 11 98765-4321", "--subject", {}, "pseudonym"),
        ("P-XYZ", "--subject", {}, "pseudonym"),
        ("chat-1", "--conversation", {}, "chat id"),
    ],
)
def test_a_refused_hold_says_why_and_writes_nothing(firm, capsys, target, flag, over, problem):
    assert add(target, flag=flag, **over) == 2
    err = capsys.readouterr().err
    assert problem in err and "nothing was changed" in err
    assert "98765" not in err, "the refusal never repeats a phone number"
    assert not lake.table_exists(LEGAL_HOLDS_TABLE)


@pytest.mark.parametrize(
    ("hold_id", "user", "reason", "problem"),
    [
        ("H-000000000000", "dpo.test", REASON, "no legal hold"),
        (None, "manager.test", REASON, "may not place or release"),
        (None, "dpo.test", "", "reason"),
    ],
)
def test_a_refused_release_leaves_the_hold_in_force(firm, capsys, hold_id, user, reason, problem):
    assert add() == 0
    placed = read_holds()["hold_id"][0]
    code = hold("release", hold_id or placed, "--reason", reason, "--user", user)
    assert code == 2 and problem in capsys.readouterr().err
    assert read_holds().height == 1
    assert holds_in_force(date(2099, 1, 1)).subjects == {TOKEN}


def test_releasing_twice_is_refused(firm, capsys):
    assert add() == 0
    placed = read_holds()["hold_id"][0]
    assert hold("release", placed, "--reason", REASON, "--user", "dpo.test") == 0
    assert hold("release", placed, "--reason", REASON, "--user", "dpo.test") == 2
    assert "already released" in capsys.readouterr().err
    assert read_holds().height == 2


def test_the_shipped_access_file_lets_compliance_and_dpo_hold(monkeypatch):
    from pipelines.governance.access_policy import load_policy

    monkeypatch.delenv("VIGIA_ACCESS_FILE", raising=False)
    assert load_policy().roles_with("legal_hold") == ["compliance", "dpo"]
