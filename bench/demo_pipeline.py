"""Benchmark: generate the default demo firm and run landing -> gold, timing each stage.

Usage: .venv/bin/python bench/demo_pipeline.py [--days 90 --employees 40 --clients 400]
Writes bench/results/demo_pipeline.json. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from pipelines import lake
from pipelines.definitions import build_defs
from pipelines.runner import QUIET, RANGE_END, RANGE_START, _instance, event_date_span
from pipelines.settings import Settings
from pipelines.summary import asset_tables, table_counts
from pipelines.synthetic.law_firm import generate

RESULTS = Path(__file__).parent / "results"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--employees", type=int, default=40)
    parser.add_argument("--clients", type=int, default=400)
    args = parser.parse_args()
    os.environ.setdefault("VIGIA_KEY", os.urandom(32).hex())
    stages = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        summary = generate(
            root,
            days=args.days,
            employees=args.employees,
            clients=args.clients,
            seed=7,
            end=date(2026, 11, 23),
        )
        stages["generate"] = time.perf_counter() - started
        settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
        defs = build_defs(settings)
        instance = _instance()

        started = time.perf_counter()
        assert (
            defs.resolve_job_def("ingest_landing")
            .execute_in_process(instance=instance, run_config=QUIET)
            .success
        )
        stages["bronze (parse + load)"] = time.perf_counter() - started

        first, last = (d.isoformat() for d in event_date_span(settings.lakehouse_uri))
        started = time.perf_counter()
        assert (
            defs.resolve_job_def("daily_pipeline")
            .execute_in_process(
                instance=instance, run_config=QUIET, tags={RANGE_START: first, RANGE_END: last}
            )
            .success
        )
        stages["silver + gold (all days, one run)"] = time.perf_counter() - started
        counts = table_counts(asset_tables(defs), settings.lakehouse_uri)
        assert lake.table_exists("gold.contact_timing", settings.lakehouse_uri)

    messages = counts["bronze.whatsapp_messages"]
    total = sum(v for k, v in stages.items() if k != "generate")
    result = {
        "benchmark": "demo_pipeline",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "input": {
            "messages": messages,
            "calls": counts["bronze.call_records"],
            "files": counts["bronze.ingest_manifest"],
            "generator": summary.get("messages"),
        },
        "seconds": {k: round(v, 2) for k, v in stages.items()},
        "landing_to_gold_seconds": round(total, 2),
        "messages_per_second": round(messages / total),
        "peak_rss_mb": round(peak_rss_mb()),
        "rows": counts,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "demo_pipeline.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
