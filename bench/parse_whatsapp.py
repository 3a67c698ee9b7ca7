"""Benchmark: WhatsApp export parse throughput (lines/s, one core) on a 1M-line export.

Usage: .venv/bin/python bench/parse_whatsapp.py [--lines 1000000] [--layout android-dmy-24h]
       [--repeat 3] [--before bench/results/parse_whatsapp_before.json]
Builds a realistic export in memory (the demo generator's phrasing, media, deleted and edited
messages, multi-line bodies) in the chosen layouts, then times, on one pinned core and in CPU
seconds (robust to other processes sharing the machine):
- ``parse``: ``parse_export`` (decode excluded) -> the columnar records the bronze loader writes;
- ``read_decode_parse``: ``read_export`` over a file (read + decode + parse);
- ``parse_to_objects``: ``parse_export(...).messages`` (one ParsedMessage per record, as
  ``vigia parse`` and the tests use them).
Each is run ``--repeat`` times; the median is reported with every run. ``--before`` copies the
medians of an earlier results file (e.g. the previous parser) into the report for comparison.
Writes bench/results/parse_whatsapp.json. Not part of the test run.
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")  # one core; set before polars is imported

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from random import Random  # noqa: E402

from pipelines.ingest.whatsapp_export import parse_export, read_export  # noqa: E402
from pipelines.synthetic.whatsapp_writer import LAYOUTS  # noqa: E402

RESULTS = Path(__file__).parent / "results"
TARGET = 200_000
# (body, weight): mostly plain text, as in the demo firm's chats (~10% media, ~2% deleted/edited)
BODIES = [
    ("Bom dia, doutora! Tudo bem?", 14),
    ("Segue a petição inicial para sua revisão, conforme conversamos ontem.", 14),
    ("Ok", 10),
    ("Obrigada 🙏", 8),
    ("Consegue me mandar o comprovante do depósito judicial até sexta?", 12),
    ("Já protocolei. Assim que sair o despacho eu te aviso por aqui.", 12),
    ("Certo, combinado então", 8),
    ("A audiência foi remarcada para 14/11.\nLevar RG e comprovante de residência.", 8),
    ("<Mídia oculta>", 4),
    ("IMG-20251028-WA0035.jpg (arquivo anexado)", 3),
    ("DOC-20251028-WA0036.pdf • 3 páginas (arquivo anexado)", 3),
    ("Esta mensagem foi apagada", 2),
    ("Pode me ligar amanhã às 10h? <Mensagem editada>", 2),
]
_TEXTS, _WEIGHTS = zip(*BODIES, strict=True)
SENDERS = ["Ana Souza", "Maria Lima", "+55 85 8204-7737", "Dona Cida 🌻"]


def build_export(layout: str, lines: int, seed: int = 1) -> str:
    rng = Random(seed)
    stamp = LAYOUTS[layout].stamp
    at = datetime(2025, 1, 2, 8, 0)
    out: list[str] = []
    while len(out) < lines:
        at += timedelta(seconds=rng.randint(5, 900))
        body = rng.choices(_TEXTS, _WEIGHTS)[0]
        out.extend(f"{stamp(at)}{rng.choice(SENDERS)}: {body}".split("\n"))
    return "\n".join(out[:lines]) + "\n"


def timed_runs(repeat: int, run: Callable[[], object]) -> dict:
    """CPU seconds (all threads of this process, i.e. what the one allowed core spent) and wall
    seconds of ``repeat`` runs, with their medians."""
    cpus, walls = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        cpus.append(round(time.process_time() - cpu, 3))
        walls.append(round(time.perf_counter() - wall, 3))
    return {
        "cpu_seconds_runs": cpus,
        "cpu_seconds_median": statistics.median(cpus),
        "wall_seconds_median": statistics.median(walls),
    }


def measure(layout: str, lines: int, repeat: int) -> dict:
    text = build_export(layout, lines)
    parsed = parse_export(text)
    assert parsed.total_lines == lines and not parsed.quarantined
    result: dict = {"messages": len(parsed.messages)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.txt"
        path.write_text(text, encoding="utf-8")
        cases: dict[str, Callable[[], object]] = {
            "parse": lambda: parse_export(text),
            "read_decode_parse": lambda: read_export(path),
            "parse_to_objects": lambda: parse_export(text).messages,
        }
        for name, run in cases.items():
            runs = timed_runs(repeat, run)
            runs["lines_per_second_median"] = round(lines / runs["cpu_seconds_median"])
            result[name] = runs
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--layout",
        action="append",
        help="layout(s) to measure (default: android-dmy-24h, ios-dmy-24h-seconds, "
        "android-mdy-12h)",
    )
    parser.add_argument("--before", type=Path, help="an earlier results file to compare with")
    parser.add_argument("--out", type=Path, default=RESULTS / "parse_whatsapp.json")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    layouts = args.layout or ["android-dmy-24h", "ios-dmy-24h-seconds", "android-mdy-12h"]
    results = {}
    for layout in layouts:
        results[layout] = measure(layout, args.lines, args.repeat)
        print(layout, json.dumps(results[layout]))
    slowest = min(r["read_decode_parse"]["lines_per_second_median"] for r in results.values())
    report: dict = {
        "benchmark": "parse_whatsapp",
        "machine": f"{platform.machine()}, pinned to 1 core, Python {platform.python_version()}",
        "lines": args.lines,
        "repeat": args.repeat,
        "statistic": "median of the runs, CPU seconds",
        "load_average_1min": round(os.getloadavg()[0], 2),
        "layouts": results,
        "slowest_read_decode_parse_lines_per_second": slowest,
        "target_lines_per_second": TARGET,
        "meets_target": slowest >= TARGET,
    }
    if args.before:
        before = json.loads(args.before.read_text())
        report["before"] = {
            "source": before.get("source", str(args.before)),
            "slowest_read_decode_parse_lines_per_second": before.get(
                "slowest_read_decode_parse_lines_per_second"
            ),
            "layouts": {
                name: {
                    case: {k: v for k, v in runs.items() if k != "wall_seconds_median"}
                    for case, runs in values.items()
                    if isinstance(runs, dict)
                }
                for name, values in before.get("layouts", {}).items()
            },
        }
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"slowest layout (read + decode + parse): {slowest:,} lines/s (target {TARGET:,})")


if __name__ == "__main__":
    main()
