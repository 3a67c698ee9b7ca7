"""audit.access_log is hash-chained on append; `vigia verify` names the first row that breaks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from pipelines import lake
from pipelines.cli import main
from pipelines.governance.access_chain import GENESIS, chain_rows, erasure_anchors
from pipelines.governance.access_log import (
    ACCESS_LOG_SCHEMA,
    ACCESS_LOG_TABLE,
    STORED_SCHEMA,
    AccessEvent,
    append_events,
    read_access_log,
    verify_access_log,
)

REASON = "Processo 123, pedido da diretoria"
START = datetime(2026, 10, 1, 9, tzinfo=UTC)


def _event(n: int) -> AccessEvent:
    return AccessEvent(
        user=f"user{n}",
        role="dpo",
        action="reidentify",
        outcome="granted",
        token=f"P-{n:012x}",
        reason=REASON,
        detail="ok",
        page="Audit",
        what='{"table": "silver.messages"}',
        host="10.0.0.7",
        client="Mozilla/5.0",
        at=START + timedelta(minutes=n),
    )


@pytest.fixture
def base(tmp_path) -> str:
    base = str(tmp_path / "lake")
    append_events([_event(1), _event(2)], base)
    append_events([_event(3)], base)
    append_events([_event(4), _event(5), _event(6)], base)
    return base


def _rewrite(base: str, frame: pl.DataFrame) -> None:
    frame.write_delta(lake.table_uri(ACCESS_LOG_TABLE, base), mode="overwrite")


def _stored(base: str) -> pl.DataFrame:
    return lake.read_table(ACCESS_LOG_TABLE, base)


def _changed(value: object) -> object:
    return value + timedelta(seconds=1) if isinstance(value, datetime) else f"{value}x"


def test_appends_are_numbered_and_chained_across_batches(base):
    stored = _stored(base).sort("sequence")
    assert dict(stored.schema) == STORED_SCHEMA
    assert stored["sequence"].to_list() == [1, 2, 3, 4, 5, 6]
    assert stored["user"].to_list() == [f"user{n}" for n in range(1, 7)]
    assert stored["chain_sha256"].str.contains(r"^[0-9a-f]{64}$").all()
    assert stored["chain_sha256"].n_unique() == 6
    result = verify_access_log(base)
    assert (result.ok, result.rows) == (True, 6)
    assert dict(read_access_log(base).schema) == ACCESS_LOG_SCHEMA


def test_the_chain_does_not_depend_on_how_appends_were_batched(base):
    events = pl.DataFrame(
        {name: [getattr(_event(n), name) for n in range(1, 7)] for name in ACCESS_LOG_SCHEMA},
        schema=ACCESS_LOG_SCHEMA,
    ).with_columns(_stored(base).sort("sequence").select("event_id", "at"))
    at_once = chain_rows(events, list(ACCESS_LOG_SCHEMA), 0, None)
    assert (
        at_once["chain_sha256"].to_list()
        == _stored(base).sort("sequence")["chain_sha256"].to_list()
    )
    other_genesis = chain_rows(events, list(ACCESS_LOG_SCHEMA), 0, GENESIS + "x")
    assert other_genesis["chain_sha256"][0] != at_once["chain_sha256"][0]


@pytest.mark.parametrize("column", list(ACCESS_LOG_SCHEMA))
@pytest.mark.parametrize("sequence", [1, 4, 6])
def test_changing_any_field_of_a_row_names_that_row(base, column, sequence):
    stored = _stored(base)
    target = pl.col("sequence") == sequence
    value = stored.filter(target)[column][0]
    tampered = stored.with_columns(
        pl.when(target).then(pl.lit(_changed(value))).otherwise(pl.col(column)).alias(column)
    )
    _rewrite(base, tampered)
    (problem,) = verify_access_log(base).breaks
    assert problem.sequence == sequence
    assert "changed" in problem.problem


@pytest.mark.parametrize("removed", [1, 3, 5])
def test_removing_a_row_breaks_the_chain_at_the_next_one(base, removed):
    _rewrite(base, _stored(base).filter(pl.col("sequence") != removed))
    (problem,) = verify_access_log(base).breaks
    assert problem.sequence == removed + 1
    assert f"sequence {removed} missing" in problem.problem


def test_renumbering_rows_to_reorder_them_is_caught(base):
    stored = _stored(base)
    swapped = stored.with_columns(
        sequence=pl.when(pl.col("sequence") == 2)
        .then(4)
        .when(pl.col("sequence") == 4)
        .then(2)
        .otherwise(pl.col("sequence"))
    )
    _rewrite(base, swapped)
    (problem,) = verify_access_log(base).breaks
    assert problem.sequence == 2


def test_a_row_whose_record_hash_was_recomputed_still_breaks_the_chain(base):
    stored = _stored(base).sort("sequence")
    forged_row = stored.filter(pl.col("sequence") == 3).with_columns(reason=pl.lit("other"))
    previous = stored.filter(pl.col("sequence") == 2)["chain_sha256"][0]
    forged = chain_rows(forged_row.drop("sequence"), list(ACCESS_LOG_SCHEMA), 2, previous)
    forged = forged.with_columns(forged_row.select("chain_sha256"))  # stored chain kept
    kept = stored.filter(pl.col("sequence") != 3)
    _rewrite(base, pl.concat([kept, forged.select(kept.columns)]))
    (problem,) = verify_access_log(base).breaks
    assert problem.sequence == 3 and "does not follow" in problem.problem


def test_two_writers_chaining_from_the_same_row_show_as_a_duplicated_sequence(base):
    stored = _stored(base).sort("sequence")
    last = stored.row(-1, named=True)
    for n in (7, 8):  # both read sequence 6 before either wrote
        frame = pl.DataFrame(
            {name: [getattr(_event(n), name)] for name in ACCESS_LOG_SCHEMA},
            schema=ACCESS_LOG_SCHEMA,
        )
        chained = chain_rows(frame, list(ACCESS_LOG_SCHEMA), 6, last["chain_sha256"])
        lake.append(chained.select(list(STORED_SCHEMA)), ACCESS_LOG_TABLE, base=base)
    (problem,) = verify_access_log(base).breaks
    assert problem.sequence == 7 and "two writers" in problem.problem


def test_an_anchor_accounts_for_rows_erased_on_purpose(base):
    stored = _stored(base)
    anchor = stored.filter(pl.col("sequence") == 3)["chain_sha256"][0]  # what 4 follows from
    _rewrite(base, stored.filter(pl.col("sequence") != 3))
    assert verify_access_log(base, anchors={4: (3, anchor)}).ok
    assert not verify_access_log(base, anchors={4: (2, anchor)}).ok, "gap starts elsewhere"
    assert not verify_access_log(base, anchors={5: (3, anchor)}).ok


@pytest.mark.parametrize("erased", [[1], [1, 2], [3], [2, 3, 5]])
def test_anchors_taken_before_an_erasure_let_the_rest_verify(base, erased):
    stored = _stored(base)
    removed = pl.col("sequence").is_in(erased)
    anchors = erasure_anchors(stored, removed)
    _rewrite(base, stored.filter(~removed))
    assert verify_access_log(base).breaks, "without anchors the gap is a break"
    assert verify_access_log(base, anchors=anchors).ok
    kept = stored.filter(~removed)
    _rewrite(base, kept.filter(pl.col("sequence") != kept["sequence"].sort()[-2]))
    assert not verify_access_log(base, anchors=anchors).ok, "another removal still breaks it"


def test_cli_verifies_the_access_log_and_exits_non_zero_when_tampered(base, monkeypatch, capsys):
    monkeypatch.setenv("LAKEHOUSE_URI", base)
    assert main(["verify"]) == 0
    assert "audit.access_log: 6 rows, hash chain intact" in capsys.readouterr().out
    assert main(["verify", "--table", ACCESS_LOG_TABLE]) == 0
    stored = _stored(base)
    _rewrite(
        base,
        stored.with_columns(
            reason=pl.when(pl.col("sequence") == 5).then(pl.lit("x")).otherwise("reason")
        ),
    )
    assert main(["verify", "--table", ACCESS_LOG_TABLE]) == 1
    out = capsys.readouterr().out
    assert "first bad record: audit.access_log: sequence 5:" in out
    assert REASON not in out and "user5" not in out  # no row content in the report
    assert main(["verify"]) == 1


def test_cli_rejects_an_unknown_table(base, monkeypatch, capsys):
    monkeypatch.setenv("LAKEHOUSE_URI", base)
    assert main(["verify", "--table", "audit.erasure_log"]) == 2
    assert "has no hash chain" in capsys.readouterr().err
