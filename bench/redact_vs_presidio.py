"""Benchmark: our redaction (`vigia redact`'s core) against Microsoft Presidio on chat messages.

Usage: .venv/bin/python bench/redact_vs_presidio.py [--messages 20000]
Needs the `bench` dependency group (presidio-analyzer, presidio-anonymizer). Pinned to one CPU
core. Three engines on the same generated messages (bench/pii_corpus.py):
  vigia            build_analyzer + redact_many_with_spans (what `vigia redact` runs)
  presidio_stock   Presidio's own recognizers for a "pt" text on a blank spaCy "pt" pipeline
                   (or on our NER model when models/ner/model exists), BatchAnalyzerEngine +
                   AnonymizerEngine
  presidio_ours    Presidio's engines driving our rule recognizers, with the same spaCy
                   pipeline in its NLP engine (read by its SpacyRecognizer)
Our side runs a NER model only when registry.yaml enables one (see its commented entry).
Recall per entity type: share of the inserted values wholly covered by spans of that type.
Writes bench/results/redact_vs_presidio.json and prints a Markdown table for the README.
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
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


def timed(fn, *args):
    started = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    messages, directory = build_corpus(args.messages)
    texts = [m["text"] for m in messages]
    nlp, nlp_name = spacy_pipeline()
    analyzer = build_analyzer(directory)
    pseudonymizer = Pseudonymizer(os.urandom(32))
    engines = {
        "vigia": (run_vigia, (analyzer, pseudonymizer)),
        "presidio_stock": (run_presidio, presidio_engines(stock_recognizers(), nlp)),
        "presidio_ours": (
            run_presidio,
            presidio_engines(our_recognizers_for_presidio(analyzer, nlp), nlp),
        ),
    }
    report = {
        "messages": len(texts),
        "distinct_messages": len(set(texts)),
        "cpu_cores": 1,
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "spacy_pipeline": nlp_name,
        "python": platform.python_version(),
        "engines": {},
    }
    for name, (fn, extra) in engines.items():
        fn(texts[:200], *extra)  # warm-up
        found, seconds = timed(fn, texts, *extra)
        report["engines"][name] = {
            "seconds": round(seconds, 3),
            "messages_per_second": round(len(texts) / seconds, 1),
            **score(messages, found),
        }
        print(f"{name}: {len(texts) / seconds:,.0f} msgs/s", file=sys.stderr)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "redact_vs_presidio.json").write_text(json.dumps(report, indent=2) + "\n")
    print(markdown(report))


def markdown(report: dict) -> str:
    engines = report["engines"]
    names = list(engines)
    lines = [
        f"{report['messages']:,} generated chat messages, one CPU core, spaCy: "
        f"{report['spacy_pipeline']}.",
        "",
        "| | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
        "| messages/second | "
        + " | ".join(f"{engines[n]['messages_per_second']:,.0f}" for n in names)
        + " |",
    ]
    for kind in engines[names[0]]["recall"]:
        count = engines[names[0]]["values"][kind]
        cells = " | ".join(f"{100 * engines[n]['recall'][kind]:.1f}%" for n in names)
        lines.append(f"| recall {kind} ({count}) | {cells} |")
    fps = " | ".join(f"{engines[n]['false_positives_per_1k_messages']}" for n in names)
    lines.append(f"| false positives / 1k messages | {fps} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
