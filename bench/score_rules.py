"""Benchmark: `vigia score` on one core - the redaction (NER) part and the rule part separately.

Usage: .venv/bin/python bench/score_rules.py [--messages 20000] [--runs 3]
Messages: the synthetic chat corpus of bench/pii_corpus.py (half plain chat, half with PII),
redacted by the pipeline's analyzer, then scored by every rule file (pt-BR, en, es). Also scores
tests/fixtures/rules/dev.jsonl + unlabelled.jsonl replicated to the same count (hand-written
chat, 20% with placeholders). The rule part is timed twice: a cold pass (a new scorer meets
every word for the first time and computes its NORM) and warm passes (best of --runs), which is
the steady state of a long-running pipeline. Writes bench/results/score_rules.json.
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pii_corpus import build_corpus  # noqa: E402
from models.analyzer import build_analyzer  # noqa: E402
from models.rules.scorer import RuleScorer, category_scores  # noqa: E402
from models.rules.thresholds import labels_of, load_thresholds  # noqa: E402
from pipelines.privacy.pseudonyms import Pseudonymizer  # noqa: E402
from pipelines.privacy.redaction import redact_many  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
FIXTURES = [ROOT / "tests/fixtures/rules/dev.jsonl", ROOT / "tests/fixtures/rules/unlabelled.jsonl"]


def _rate(count: int, seconds: float) -> int:
    return round(count / seconds) if seconds else 0


def time_rules(texts: list[str], runs: int) -> dict:
    """Cold and best warm msgs/s of scoring + labelling `texts` with a fresh scorer."""
    thresholds = load_thresholds()
    start = time.perf_counter()
    scorer = RuleScorer.from_directory()
    load_s = time.perf_counter() - start

    def one_pass() -> tuple[float, int]:
        start = time.perf_counter()
        labelled = sum(
            bool(labels_of(category_scores(h), thresholds)) for h in scorer.hits_many(texts)
        )
        return time.perf_counter() - start, labelled

    cold_s, labelled = one_pass()
    warm_s = min(one_pass()[0] for _ in range(runs))
    return {
        "rules": len(scorer.rules),
        "load_s": round(load_s, 2),
        "cold_msgs_per_s": _rate(len(texts), cold_s),
        "warm_msgs_per_s": _rate(len(texts), warm_s),
        "labelled": labelled,
    }


def fixture_texts(count: int) -> list[str]:
    texts = [json.loads(line)["text"] for path in FIXTURES for line in path.open(encoding="utf-8")]
    return (texts * (count // len(texts) + 1))[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    messages, directory = build_corpus(args.messages)
    raw = [m["text"] for m in messages]
    analyzer, pseudonymizer = build_analyzer(directory), Pseudonymizer(os.urandom(32))
    redact_many(raw[:200], analyzer, pseudonymizer)  # load models, warm caches
    start = time.perf_counter()
    redacted = redact_many(raw, analyzer, pseudonymizer)
    redact_s = time.perf_counter() - start
    report = {
        "messages": len(raw),
        "words": sum(len(t.split()) for t in raw),
        "redaction_msgs_per_s": _rate(len(raw), redact_s),
        "rules_on_redacted_corpus": time_rules(redacted, args.runs),
        "rules_on_fixtures_replicated": time_rules(fixture_texts(args.messages), args.runs),
        "cores": 1,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }
    end_to_end = 1 / (1 / report["redaction_msgs_per_s"]
                      + 1 / report["rules_on_redacted_corpus"]["warm_msgs_per_s"])  # fmt: skip
    report["score_command_msgs_per_s"] = round(end_to_end)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "score_rules.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
