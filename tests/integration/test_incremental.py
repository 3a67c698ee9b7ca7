"""A new day of landing files rebuilds only that day; earlier partitions stay as they were.

The new file is first ingested by the bronze job alone, as when a run is killed after bronze:
the next run must still build its dates (they are pending until a silver/gold run succeeds).
"""

from __future__ import annotations

import shutil
from datetime import date

import dagster as dg
import polars as pl
import pytest

from pipelines import lake
from pipelines.definitions import build_defs
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.synthetic.law_firm import generate

TEST_KEY = "3d" * 32  # test-only pseudonym key (hex)
NEW_DAY = date(2026, 10, 31)


def _messages(base: str) -> pl.DataFrame:
    return lake.read_table("silver.messages", base).sort("message_id")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    generate(root, days=3, employees=5, clients=20, seed=3, end=date(2026, 10, 30))
    # one chat export of the next day, from a second generation of one day
    later = tmp_path_factory.mktemp("next_day")
    generate(later, days=1, employees=5, clients=20, seed=4, end=NEW_DAY)
    settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
    base = settings.lakehouse_uri
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_KEY", TEST_KEY)
        patch.setenv("VIGIA_VAULT_KEY_FILE", str(root / "vault.key"))
        patch.delenv("DAGSTER_HOME", raising=False)
        defs = build_defs(settings)
        first = run_pipeline(defs, base)
        before = _messages(base)
        new_file = sorted((later / "landing" / "whatsapp").rglob("*.txt"))[0]
        target = root / "landing" / "whatsapp" / "next_day"
        target.mkdir()
        shutil.copy(new_file, target / new_file.name)
        ingest_only = defs.resolve_job_def("ingest_landing").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
        )
        assert ingest_only.success
        second = run_pipeline(defs, base)
        after = _messages(base)
        third = run_pipeline(defs, base)
        full = run_pipeline(defs, base, full=True)
        rebuilt = _messages(base)
    return {"runs": (first, second, third, full), "frames": (before, after, rebuilt)}


def test_the_first_run_builds_every_date(runs):
    first = runs["runs"][0]
    assert first.success, first.failed_checks + first.failed_steps
    assert (first.first_date, first.last_date) == (date(2026, 10, 28), date(2026, 10, 30))
    assert first.new_files > 0


def test_a_new_file_rebuilds_only_the_dates_it_covers_even_after_a_run_died_after_bronze(runs):
    second = runs["runs"][1]
    assert second.success, second.failed_checks + second.failed_steps
    assert second.new_files == 0  # the bronze-only run had already ingested it
    assert (second.first_date, second.last_date) == (NEW_DAY, NEW_DAY)


def test_earlier_partitions_are_unchanged_and_the_new_day_is_added(runs):
    before, after, _ = runs["frames"]
    old_dates = pl.col("event_date") < NEW_DAY
    assert after.filter(old_dates).equals(before)
    assert after.filter(pl.col("event_date") == NEW_DAY).height > 0


def test_a_run_with_nothing_new_rebuilds_nothing(runs):
    third = runs["runs"][2]
    assert third.success
    assert third.new_files == 0
    assert third.first_date is None


def test_a_full_rebuild_gives_the_same_rows(runs):
    full = runs["runs"][3]
    _, after, rebuilt = runs["frames"]
    assert full.success
    assert (full.first_date, full.last_date) == (date(2026, 10, 28), NEW_DAY)
    assert rebuilt.equals(after)
