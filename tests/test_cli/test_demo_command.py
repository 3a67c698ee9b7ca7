"""`vigia demo --no-serve` end to end through the installed console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import lake
from pipelines.definitions import defs
from pipelines.summary import asset_tables
from tests.lakehouse_expectations import MAY_BE_EMPTY


def _vigia() -> str:
    found = shutil.which("vigia", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("the `vigia` console script is not installed in the test environment")
    return found


def test_demo_no_serve_builds_every_table(tmp_path):
    env = {
        **os.environ,
        "VIGIA_DEMO_DIR": str(tmp_path),
        "VIGIA_KEY_FILE": str(tmp_path / "k.key"),
        "VIGIA_VAULT_KEY_FILE": str(tmp_path / "vault.key"),
    }
    env.pop("LAKEHOUSE_URI", None)
    env.pop("DAGSTER_HOME", None)
    done = subprocess.run(
        [
            _vigia(),
            "demo",
            "--no-serve",
            "--days",
            "4",
            "--employees",
            "4",
            "--clients",
            "20",
            "--end",
            "2026-10-30",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "pipeline run ok" in done.stdout
    base = str(tmp_path / "lakehouse")
    empty = [t for t in asset_tables(defs) if lake.read_table(t, base).is_empty()]
    assert sorted(set(empty) - set(MAY_BE_EMPTY)) == []
    assert (tmp_path / "ground_truth").is_dir() and not (
        tmp_path / "landing" / "ground_truth"
    ).exists()
    assert oct((tmp_path / "k.key").stat().st_mode & 0o777) == "0o600"


def test_demo_refuses_to_delete_a_folder_it_did_not_create(tmp_path):
    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "precious.txt").write_text("not ours")
    env = {**os.environ, "VIGIA_DEMO_DIR": str(tmp_path)}
    done = subprocess.run(
        [_vigia(), "demo", "--no-serve", "--days", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "was not created by `vigia demo`" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "landing" / "precious.txt").exists()
