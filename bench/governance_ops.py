"""Benchmark: subject access export and a retention run on the default demo-sized firm.

Usage: .venv/bin/python bench/governance_ops.py [--days 90 --employees 40 --clients 400]
Builds the firm (landing -> gold), then times `export-subject` for an employee and a client
(by phone) and `retention run` (dry run, then for real with one subject on legal hold) as of a
date that expires about half of the call metadata. Writes bench/results/governance_ops.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from pipelines import lake
from pipelines.definitions import build_defs
from pipelines.governance.access_policy import load_policy
from pipelines.governance.holds import SUBJECT, place_hold
from pipelines.governance.retention import load_rules, run_retention
from pipelines.governance.subject_export import export_subject
from pipelines.privacy.keys import load_key
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.synthetic.law_firm import generate

RESULTS = Path(__file__).parent / "results"
END = date(2026, 11, 23)
ACCESS = "roles:\n  dpo: {legal_hold: true, reidentify: true}\nusers:\n  dpo.bench: dpo\n"
REASON = "Benchmark request 2026-0001 (synthetic data)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--employees", type=int, default=40)
    parser.add_argument("--clients", type=int, default=400)
    args = parser.parse_args()
    os.environ.setdefault("VIGIA_KEY", os.urandom(32).hex())
    seconds: dict[str, float] = {}
    rows: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(
            root, days=args.days, employees=args.employees, clients=args.clients, seed=7, end=END
        )
        (root / "access.yaml").write_text(ACCESS, encoding="utf-8")
        os.environ["VIGIA_ACCESS_FILE"] = str(root / "access.yaml")
        os.environ["VIGIA_VAULT_KEY_FILE"] = str(root / "vault.key")
        base = str(root / "lakehouse")
        settings = Settings(lakehouse_uri=base, landing_dir=root / "landing")
        started = time.perf_counter()
        assert run_pipeline(build_defs(settings), base).success
        seconds["landing to gold"] = time.perf_counter() - started
        rows["silver.messages"] = lake.read_table("silver.messages", base).height
        rows["silver.calls"] = lake.read_table("silver.calls", base).height

        from pipelines.conform.directory import Directory

        aliases = Directory.load(root / "landing" / "reference").aliases()
        people = pl.read_csv(root / "ground_truth" / "people.csv", infer_schema=False)
        policy = load_policy()
        for kind in ("employee", "client"):
            person = people.filter(pl.col("kind") == kind).row(0, named=True)
            started = time.perf_counter()
            result = export_subject(
                person["phone_as_written"],
                root / f"export_{kind}",
                user="dpo.bench",
                reason=REASON,
                policy=policy,
                pseudonymizer=lambda: Pseudonymizer(load_key(), aliases),
                base=base,
            )
            seconds[f"export-subject ({kind})"] = time.perf_counter() - started
            rows[f"exported ({kind})"] = sum(result.rows.values())
            if kind == "employee":
                held = result.token

        today = END - timedelta(days=args.days // 2) + timedelta(days=183)
        place_hold(
            policy,
            "dpo.bench",
            scope=SUBJECT,
            target=held,
            reason=REASON,
            until="2099-01-01",
            base=base,
        )
        rules = load_rules(Path("config/governance.yaml"))
        started = time.perf_counter()
        dry = run_retention(rules, today, dry_run=True, base=base)
        seconds["retention dry run"] = time.perf_counter() - started
        started = time.perf_counter()
        log = run_retention(rules, today, base=base)
        seconds["retention run (delete + vacuum + log)"] = time.perf_counter() - started
        assert dry["rows_removed"].sum() == log["rows_removed"].sum()
        rows["retention removed"] = int(log["rows_removed"].sum())
        rows["retention kept under hold"] = int(log["rows_kept_under_hold"].sum())
        rows["retention tables"] = log["table"].n_unique()
    result = {
        "benchmark": "governance_ops",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "input": {"days": args.days, "employees": args.employees, "clients": args.clients},
        "retention_today": today.isoformat(),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "rows": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "governance_ops.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
