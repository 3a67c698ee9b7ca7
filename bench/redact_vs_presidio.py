"""Benchmark: our redaction (`vigia redact`'s core) against Microsoft Presidio on chat messages.

Usage: .venv/bin/python bench/redact_vs_presidio.py [--messages 20000] [--runs 3]
Needs the `bench` dependency group (presidio-analyzer, presidio-anonymizer). Pinned to one CPU
core. Four engines on the same generated messages (bench/pii_corpus.py):
  vigia            build_analyzer + redact_many_with_spans (what `vigia redact` runs); repeated
                   texts ("ok", "bom dia") are analysed once (models/analyzer.py cache)
  vigia_no_cache   the same with cache_size=0: every message analysed on its own, as Presidio does
  presidio_stock   Presidio's own recognizers for a "pt" text on the same spaCy pipeline (our
                   models/ner/model, or a blank "pt" one when it is missing),
                   BatchAnalyzerEngine + AnonymizerEngine
  presidio_ours    Presidio's engines driving our rule recognizers, with the same spaCy
                   pipeline in its NLP engine (read by its SpacyRecognizer)
Each engine runs --runs times, the engines taking turns (a fresh analyzer each time, so no
cache survives a run); the report gives the median messages/second by wall clock and by CPU
time of this process (steadier on a shared machine) and the speed-ups of ours over Presidio's.
Recall per entity type: share of the inserted values wholly covered by spans of that type.
What the corpus is (and why its recall is optimistic) is written into the report.
Writes bench/results/redact_vs_presidio.json and prints a Markdown table for the README.
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pii_corpus import build_corpus  # noqa: E402
from models.analyzer import build_analyzer  # noqa: E402
from pipelines.privacy.pseudonyms import Pseudonymizer  # noqa: E402
from pipelines.privacy.redaction import redact_many_with_spans  # noqa: E402

RESULTS = Path(__file__).parent / "results"
NER_MODEL = Path(__file__).resolve().parents[1] / "models" / "ner" / "model"
PRESIDIO_TO_OURS = {
    "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CREDIT_CARD",
    "PERSON": "PERSON", "PER": "PERSON", "LOCATION": "LOCATION", "LOC": "LOCATION",
    "ORGANIZATION": "ORGANIZATION", "ORG": "ORGANIZATION", "DATE_TIME": "DATE_OF_BIRTH",
    "IBAN_CODE": "BANK_ACCOUNT", "UUID": "PIX_KEY",
}  # fmt: skip
TRUTH_TO_OURS = {"PERSON_DIRECTORY": "PERSON", "PERSON_OTHER": "PERSON"}
CORPUS_NOTE = (
    "Synthetic: bench/pii_corpus.py fills ~40 chat templates with generated values (faker pt_BR "
    "names, valid CPFs/CNPJs/cards, phones in four spellings); about half the messages are "
    "filler and look-alikes (amounts, hearing dates and times, protocol numbers). Our "
    "recognizers were written with these spellings in mind and the NER model was trained on "
    "chat sentences from similar templates and the same name lists, so our recall here is "
    "optimistic; real chats will score lower. Repeated messages are part of the corpus, as in "
    "chat (distinct_messages below)."
)


def spacy_pipeline():
    import spacy

    if (NER_MODEL / "config.cfg").exists():
        return spacy.load(NER_MODEL), "models/ner/model"
    return spacy.blank("pt"), "blank pt"


def presidio_engines(recognizers, nlp):
    """(BatchAnalyzerEngine, AnonymizerEngine) over `nlp` with the given Presidio recognizers."""
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine

    mapping = {"PER": "PERSON", "PERSON": "PERSON", "LOC": "LOCATION", "LOCATION": "LOCATION",
               "ORG": "ORGANIZATION", "ORGANIZATION": "ORGANIZATION"}  # fmt: skip
    engine = SpacyNlpEngine(
        models=[{"lang_code": "pt", "model_name": "pt"}],
        ner_model_configuration=NerModelConfiguration(model_to_presidio_entity_mapping=mapping),
    )
    engine.nlp = {"pt": nlp}
    registry = RecognizerRegistry(supported_languages=["pt"])
    for recognizer in recognizers:
        registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["pt"])
    return BatchAnalyzerEngine(analyzer_engine=analyzer), AnonymizerEngine()


def stock_recognizers():
    import tldextract
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        DateRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
        UrlRecognizer,
    )

    # Presidio's e-mail check would fetch the public-suffix list; use the bundled snapshot
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())

    classes = [CreditCardRecognizer, DateRecognizer, EmailRecognizer, IbanRecognizer,
               IpRecognizer, UrlRecognizer, SpacyRecognizer]  # fmt: skip
    out = [cls(supported_language="pt") for cls in classes]
    out.append(PhoneRecognizer(supported_language="pt", supported_regions=["BR", "US", "UK"]))
    return out


def our_recognizers_for_presidio(analyzer, nlp):
    """Each of our recognizers wrapped as a Presidio EntityRecognizer."""
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    class Wrapped(EntityRecognizer):
        def __init__(self, ours):
            self.ours = ours
            super().__init__(
                supported_entities=list(ours.entities()),
                name=type(ours).__name__,
                supported_language="pt",
            )

        def load(self) -> None:
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            return [
                RecognizerResult(s.entity, s.start, s.end, s.score) for s in self.ours.analyze(text)
            ]

    # a NER recognizer of ours is left out: Presidio runs the same spaCy model in its NLP
    # engine and reads the entities with its SpacyRecognizer
    wrapped = [Wrapped(r) for r in analyzer.recognizers if "LOCATION" not in r.entities()]
    if "ner" in nlp.pipe_names:
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        wrapped.append(SpacyRecognizer(supported_language="pt"))
    return wrapped


def run_presidio(texts, batch, anonymizer):
    results = list(batch.analyze_iterator(texts, language="pt", batch_size=256))
    for text, found in zip(texts, results, strict=True):
        anonymizer.anonymize(text=text, analyzer_results=found)
    return [[(r.start, r.end, PRESIDIO_TO_OURS.get(r.entity_type, r.entity_type)) for r in found]
            for found in results]  # fmt: skip


def run_vigia(texts, analyzer, pseudonymizer):
    out = redact_many_with_spans(texts, analyzer, pseudonymizer)
    return [[(s.start, s.end, s.entity) for s in spans] for _redacted, spans in out]


def score(messages, found) -> dict:
    """Recall per truth type (strict: covered by spans of that type) and false positives."""
    hits, totals, masked, false_positives = Counter(), Counter(), Counter(), 0
    for message, spans in zip(messages, found, strict=True):
        truth = message["truth"]
        for start, end, kind in truth:
            totals[kind] += 1
            wanted = TRUTH_TO_OURS.get(kind, kind)
            if _covered(start, end, [(s, e) for s, e, t in spans if t == wanted]):
                hits[kind] += 1
            if _covered(start, end, [(s, e) for s, e, _t in spans]):
                masked[kind] += 1
        false_positives += sum(
            1 for s, e, _t in spans if not any(s < te and e > ts for ts, te, _k in truth)
        )
    return {
        "recall": {k: round(hits[k] / totals[k], 4) for k in sorted(totals)},
        "masked": {k: round(masked[k] / totals[k], 4) for k in sorted(totals)},
        "values": dict(sorted(totals.items())),
        "false_positives_per_1k_messages": round(1000 * false_positives / len(messages), 2),
    }


def _covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    pos = start
    for s, e in sorted(spans):
        if s <= pos < e:
            pos = e
        if pos >= end:
            return True
    return False


def timed(fn, *args) -> tuple[object, float, float]:
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def run_once(fn, make_args, texts: list[str]) -> tuple[list, float, float]:
    """One timed run of fn(texts, *make_args()) after a warm-up, with fresh engine state."""
    fn(texts[:200], *make_args())  # warm-up
    return timed(fn, texts, *make_args())  # a fresh analyzer: the warm-up leaves no cache


def speed(walls: list[float], cpus: list[float], n: int) -> dict:
    """Median messages/second by wall clock and CPU time, and each run's."""
    return {
        "runs": len(walls),
        "seconds": round(statistics.median(walls), 3),
        "messages_per_second": round(n / statistics.median(walls), 1),
        "messages_per_cpu_second": round(n / statistics.median(cpus), 1),
        "messages_per_second_each_run": [round(n / w, 1) for w in walls],
        "messages_per_cpu_second_each_run": [round(n / c, 1) for c in cpus],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    messages, directory = build_corpus(args.messages)
    texts = [m["text"] for m in messages]
    nlp, nlp_name = spacy_pipeline()
    key = os.urandom(32)
    ours = build_analyzer(directory)
    stock = presidio_engines(stock_recognizers(), nlp)
    wrapped = presidio_engines(our_recognizers_for_presidio(ours, nlp), nlp)
    engines = {
        "vigia": (run_vigia, lambda: (build_analyzer(directory), Pseudonymizer(key))),
        "vigia_no_cache": (
            run_vigia,
            lambda: (build_analyzer(directory, cache_size=0), Pseudonymizer(key)),
        ),
        "presidio_stock": (run_presidio, lambda: stock),
        "presidio_ours": (run_presidio, lambda: wrapped),
    }
    report = {
        "messages": len(texts),
        "distinct_messages": len(set(texts)),
        "corpus": CORPUS_NOTE,
        "cpu_cores": 1,
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "spacy_pipeline": nlp_name,
        "python": platform.python_version(),
        "engines": {},
    }
    # engines take turns, run after run, so a change in the machine's load hits them alike
    walls: dict[str, list[float]] = {name: [] for name in engines}
    cpus: dict[str, list[float]] = {name: [] for name in engines}
    found: dict[str, list] = {}
    for run in range(args.runs):
        for name, (fn, make_args) in engines.items():
            found[name], wall, cpu = run_once(fn, make_args, texts)
            walls[name].append(wall)
            cpus[name].append(cpu)
            print(f"run {run + 1} {name}: {len(texts) / wall:,.0f} msgs/s", file=sys.stderr)
    for name in engines:
        measured = speed(walls[name], cpus[name], len(texts))
        report["engines"][name] = {**measured, **score(messages, found[name])}
    report["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    report["speedup"] = speedups(report["engines"])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "redact_vs_presidio.json").write_text(json.dumps(report, indent=2) + "\n")
    print(markdown(report))


def speedups(engines: dict) -> dict:
    """Ours over Presidio's, by wall clock and by CPU time (medians)."""
    out = {}
    for mine in ("vigia", "vigia_no_cache"):
        for theirs in ("presidio_stock", "presidio_ours"):
            out[f"{mine}_over_{theirs}"] = {
                unit: round(engines[mine][unit] / engines[theirs][unit], 2)
                for unit in ("messages_per_second", "messages_per_cpu_second")
            }
    return out


def markdown(report: dict) -> str:
    engines = report["engines"]
    names = list(engines)
    runs = engines[names[0]]["runs"]
    lines = [
        f"{report['messages']:,} generated chat messages ({report['distinct_messages']:,} "
        f"distinct), one CPU core, spaCy: {report['spacy_pipeline']}; median of {runs} runs.",
        "",
        "| | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
        "| messages/second | "
        + " | ".join(f"{engines[n]['messages_per_second']:,.0f}" for n in names)
        + " |",
        "| messages/CPU-second | "
        + " | ".join(f"{engines[n]['messages_per_cpu_second']:,.0f}" for n in names)
        + " |",
    ]
    for kind in engines[names[0]]["recall"]:
        count = engines[names[0]]["values"][kind]
        cells = " | ".join(f"{100 * engines[n]['recall'][kind]:.1f}%" for n in names)
        lines.append(f"| recall {kind} ({count}) | {cells} |")
    fps = " | ".join(f"{engines[n]['false_positives_per_1k_messages']}" for n in names)
    lines.append(f"| false positives / 1k messages | {fps} |")
    lines.append("")
    for pair, ratio in report["speedup"].items():
        lines.append(
            f"- {pair.replace('_over_', ' over ')}: {ratio['messages_per_second']}x "
            f"(CPU time: {ratio['messages_per_cpu_second']}x)"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
