"""Benchmark: do-not-call and consent flags of the default demo firm against its ground truth.

Generates the demo, runs landing -> gold (``run_pipeline``), and compares gold.dnc_violations
and the call rows of gold.consent_violations with ``ground_truth/call_flags.csv`` (the calls the
generator placed to a listed number or without a valid call consent). The generator gives each
call one flag (dnc before no_consent), so a do-not-call number without consent counts as
correctly found by the consent check too. Also counts the WhatsApp rows by reason.

Usage: .venv/bin/python bench/governance_truth.py [--days 90 --employees 40 --clients 400]
Writes bench/results/governance_truth.json. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from pipelines import lake
from pipelines.definitions import build_defs
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.synthetic.law_firm import generate

RESULTS = Path(__file__).parent / "results"


def scores(found: set[str], expected: set[str], also_right: set[str] = frozenset()) -> dict:
    right = found & (expected | also_right)
    return {
        "expected": len(expected),
        "found": len(found),
        "true_positives": len(found & expected),
        "precision": round(len(right) / len(found), 4) if found else None,
        "recall": round(len(found & expected) / len(expected), 4) if expected else None,
        "missed": len(expected - found),
        "unexpected": len(found - expected - also_right),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--employees", type=int, default=40)
    parser.add_argument("--clients", type=int, default=400)
    args = parser.parse_args()
    os.environ.setdefault("VIGIA_KEY", os.urandom(32).hex())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        summary = generate(
            root,
            days=args.days,
            employees=args.employees,
            clients=args.clients,
            seed=7,
            end=date(2026, 11, 23),
        )
        os.environ["VIGIA_VAULT_KEY_FILE"] = str(root / "vault.key")
        settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
        started = time.perf_counter()
        run = run_pipeline(build_defs(settings), settings.lakehouse_uri)
        seconds = time.perf_counter() - started
        assert run.success, run.failed_checks + run.failed_steps
        base = settings.lakehouse_uri
        calls = lake.read_table("silver.calls", base).select("call_id", "source_call_id")
        flags = pl.read_csv(root / "ground_truth" / "call_flags.csv", infer_schema=False)
        key = pl.coalesce(pl.col("linkedid").replace("", None), pl.col("uniqueid"))
        flagged = flags.with_columns(key.alias("source_call_id")).join(calls, on="source_call_id")
        truth = {
            flag: set(flagged.filter(pl.col("flag") == flag)["call_id"])
            for flag in ("dnc", "no_consent")
        }
        dnc = set(lake.read_table("gold.dnc_violations", base)["call_id"])
        violations = lake.read_table("gold.consent_violations", base)
        consent_calls = set(
            violations.filter(pl.col("consent_channel") == "call")["call_id"].drop_nulls()
        )
        whatsapp = violations.filter(pl.col("channel") == "whatsapp")
        by_reason = whatsapp.group_by("reason").agg(
            pl.len().alias("conversation_days"), pl.col("messages").sum()
        )
        result = {
            "firm": {
                "days": args.days,
                "employees": args.employees,
                "clients": args.clients,
                "calls": summary["calls"],
                "calls_flagged": summary["calls_flagged"],
                "truth_rows_matched_to_silver_calls": f"{flagged.height}/{flags.height}",
            },
            "dnc": scores(dnc, truth["dnc"]),
            "call_consent": scores(consent_calls, truth["no_consent"], truth["dnc"]),
            "whatsapp_consent_rows": {
                reason: {"conversation_days": days, "messages": messages}
                for reason, days, messages in by_reason.sort("reason").iter_rows()
            },
            "consent_ledger_rows": lake.read_table("silver.consents", base).height,
            "dnc_registry_rows": lake.read_table("silver.dnc_registry", base).height,
            "reference_rejects": lake.read_table("silver.reference_rejects", base).height,
            "pipeline_seconds": round(seconds, 1),
            "machine": platform.platform(),
        }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "governance_truth.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
