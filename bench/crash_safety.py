"""Crash safety: SIGKILL `vigia run` in the middle of each layer's writes, re-run, check nothing
was lost or duplicated, `vigia verify` passes and every table reads.

Usage: .venv/bin/python bench/crash_safety.py [--kills 20] [--days 4 --employees 6 --clients 40]
Writes bench/results/crash_safety.json. Not part of the test run (one trial is two pipeline runs).

Method: a reference run on a fresh lakehouse gives the expected row counts of every table and,
from the Delta commit times, the time window in which each layer (bronze, silver, gold, vault)
writes. Each trial starts from a fresh lakehouse, kills the run at a uniformly random moment in
one layer's window, runs `vigia run` again to completion and compares.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from pipelines import lake
from pipelines.definitions import build_defs
from pipelines.settings import Settings
from pipelines.summary import asset_tables, table_counts
from pipelines.synthetic.law_firm import generate

RESULTS = Path(__file__).parent / "results"
VIGIA = str(Path(sys.executable).with_name("vigia"))
LAYERS = ("bronze", "silver", "gold", "vault")
UNIQUE_KEYS = {
    "silver.messages": "message_id",
    "silver.calls": "call_id",
    "vault.identities": "token",
}


def _env(root: Path) -> dict[str, str]:
    """The trial's settings; no DAGSTER_HOME, so each run uses an ephemeral Dagster instance."""
    env = {key: value for key, value in os.environ.items() if key != "DAGSTER_HOME"}
    return {
        **env,
        "LAKEHOUSE_URI": str(root / "lakehouse"),
        "VIGIA_LANDING_DIR": str(root / "landing"),
        "VIGIA_KEY": "7e" * 32,
        "VIGIA_VAULT_KEY_FILE": str(root / "vault.key"),
    }


def _start(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [VIGIA, "run"], env=_env(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _fresh(template: Path, trial: Path) -> None:
    if trial.exists():
        shutil.rmtree(trial)
    shutil.copytree(template, trial)


def _layer_windows(base: str, tables: list[str], started: float) -> dict[str, tuple[float, float]]:
    """Seconds after process start of each layer's first and last Delta commit."""
    windows: dict[str, list[float]] = {}
    for name in tables:
        if not lake.table_exists(name, base):
            continue
        for commit in lake.delta_table(name, base).history():
            at = commit["timestamp"] / 1000 - started
            windows.setdefault(name.split(".")[0], []).append(at)
    return {layer: (min(times), max(times)) for layer, times in windows.items()}


def _check(base: str, root: Path, tables: list[str], expected: dict[str, int]) -> list[str]:
    problems = []
    counts = table_counts(tables, base)
    for name, rows in expected.items():
        if counts.get(name) != rows:
            problems.append(f"{name}: {counts.get(name)} rows, expected {rows}")
    for name, key in UNIQUE_KEYS.items():
        if lake.table_exists(name, base):
            frame = lake.read_table(name, base, [key])
            if frame[key].n_unique() != frame.height:
                problems.append(f"{name}: duplicated {key}")
    for name in tables:  # every file of every table reads
        if lake.table_exists(name, base):
            lake.scan_table(name, base).select(pl.len()).collect()
    verify = subprocess.run([VIGIA, "verify"], env=_env(root), capture_output=True, text=True)
    if verify.returncode != 0:
        problems.append("vigia verify failed: " + verify.stdout[-300:])
    return problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20, help="kills per layer")
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--employees", type=int, default=6)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        generate(
            template,
            days=args.days,
            employees=args.employees,
            clients=args.clients,
            seed=5,
            end=date(2026, 11, 20),
        )
        reference = Path(tmp) / "reference"
        _fresh(template, reference)
        base = str(reference / "lakehouse")
        tables = asset_tables(build_defs(Settings(lakehouse_uri=base)))
        started = time.time()
        assert _start(reference).wait() == 0, "the reference run failed"
        duration = time.time() - started
        expected = table_counts(tables, base)
        windows = _layer_windows(base, tables, started)
        print(
            f"reference run {duration:.1f} s; layer windows (s): "
            + ", ".join(f"{k} {a:.1f}-{b:.1f}" for k, (a, b) in sorted(windows.items()))
        )

        trials = []
        trial_root = Path(tmp) / "trial"
        for layer in LAYERS:
            if layer not in windows:
                continue
            low, high = windows[layer]
            low, high = max(0.5, low - 0.5), high + 0.2  # a little before the first commit
            for n in range(args.kills):
                _fresh(template, trial_root)
                at = rng.uniform(low, high)
                process = _start(trial_root)
                time.sleep(at)
                killed = process.poll() is None
                if killed:
                    process.send_signal(signal.SIGKILL)
                process.wait()
                rerun = _start(trial_root).wait()
                problems = [] if rerun == 0 else [f"re-run exited {rerun}"]
                problems += _check(str(trial_root / "lakehouse"), trial_root, tables, expected)
                trials.append(
                    {
                        "layer": layer,
                        "kill_at_s": round(at, 2),
                        "killed": killed,
                        "ok": not problems,
                        "problems": problems,
                    }
                )
                status = "ok" if not problems else "; ".join(problems)
                print(
                    f"{layer} kill {n + 1}/{args.kills} at {at:.1f}s "
                    f"({'killed' if killed else 'had finished'}): {status}"
                )

    by_layer = {
        layer: {
            "trials": sum(t["layer"] == layer for t in trials),
            "killed_mid_run": sum(t["layer"] == layer and t["killed"] for t in trials),
            "ok": sum(t["layer"] == layer and t["ok"] for t in trials),
        }
        for layer in LAYERS
    }
    result = {
        "benchmark": "crash_safety",
        "data": {"days": args.days, "employees": args.employees, "clients": args.clients},
        "reference_run_s": round(duration, 1),
        "layer_windows_s": {k: [round(a, 1), round(b, 1)] for k, (a, b) in windows.items()},
        "by_layer": by_layer,
        "failures": [t for t in trials if not t["ok"]],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "crash_safety.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(by_layer, indent=2))


if __name__ == "__main__":
    main()
