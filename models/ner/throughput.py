"""Messages per second of SpacyNerRecognizer on one core over generated chat messages.

Usage: OPENBLAS_NUM_THREADS=1 .venv/bin/python -m models.ner.throughput [--messages 20000]
Writes bench/results/ner_throughput.json. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from models.ner.chat_corpus import generate
from models.recognizers.spacy_ner_recognizer import SpacyNerRecognizer

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "ner_throughput.json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    half = args.messages // 2
    texts = [e.text for e in generate(half, args.seed, "train")]
    texts += [e.text for e in generate(args.messages - half, args.seed + 1, "test")]
    recognizer = SpacyNerRecognizer()
    recognizer.analyze_many(texts[:200])  # warm-up
    started = time.perf_counter()
    found = recognizer.analyze_many(texts)
    batched = time.perf_counter() - started
    sample = texts[:2_000]
    started = time.perf_counter()
    for text in sample:
        recognizer.analyze(text)
    single = time.perf_counter() - started
    result = {
        "messages": len(texts),
        "distinct_messages": len(set(texts)),
        "words": sum(len(t.split()) for t in texts),
        "spans": sum(len(s) for s in found),
        "analyze_many_msgs_per_s": round(len(texts) / batched),
        "analyze_one_by_one_msgs_per_s": round(len(sample) / single),
        "cores": 1,
        "model": recognizer.model,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    result["model"] = Path(result["model"]).name
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
