"""Build the corpus, train with config.cfg, ship model-last to models/ner/model, write EVAL.md.

Run by `vigia train-ner` (and `make ner-model`). Working files (corpus, checkpoints) go to
`work_dir`, outside what is committed; only the final pipeline is copied into the repository.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import spacy

from models.ner.corpus import REPO, CorpusSizes, build, lener_dir
from models.ner.evaluate import evaluate, unseen_person_recall, write_report

HERE = Path(__file__).parent
CONFIG = HERE / "config.cfg"
MODEL_DIR = HERE / "model"
EVAL_MD = HERE / "EVAL.md"
WORK_DIR = REPO / ".vigia" / "ner"
META = {
    "name": "vigia_ner",
    "version": "0.1.0",
    "description": "Portuguese (Brazil) NER for chat: PERSON, LOCATION, ORGANIZATION. "
    "Trained on LeNER-Br (MIT, Luz de Araujo et al., PROPOR 2018) and generated chat messages.",
    "license": "MIT",
    "author": "Vigia",
}
KNOWN_LIMITS = [
    "LeNER-Br tags a State that is a party to a case ('Distrito Federal', 'Estado de Mato "
    "Grosso', 'DF') as ORGANIZACAO; the chat data tags states as LOCATION, so on LeNER-Br dev "
    "these count as LOCATION false positives and ORGANIZATION misses.",
    "The chat test uses held-out templates and seed but the same name and place lists as "
    "training: it measures new wording and casing, not new vocabulary (see the unseen-names "
    "recall below). Scores on real client chats will be lower.",
    "Exact-span scoring: 'Fórum de Pinheiros' predicted as 'Pinheiros' counts as one miss "
    "and one false positive, although the redaction would still hide the place.",
]


def ship(trained: Path, model_dir: Path = MODEL_DIR) -> int:
    """Copy a trained pipeline (nlp.to_disk output) into model_dir; returns its size in bytes."""
    nlp = spacy.load(trained)
    nlp.meta.update(META)
    nlp.meta.pop("performance", None)  # training-time dev scores: EVAL.md holds the real ones
    nlp.config["paths"].update(train="corpus/train.spacy", dev="corpus/dev.spacy")  # no local paths
    staging = model_dir.with_name(model_dir.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    nlp.to_disk(staging)
    shutil.rmtree(model_dir, ignore_errors=True)
    staging.rename(model_dir)
    return sum(f.stat().st_size for f in model_dir.rglob("*") if f.is_file())


def report(model_dir: Path, corpus: Path, notes: list[str], out: Path = EVAL_MD) -> dict:
    """Evaluate the shipped pipeline on LeNER-Br dev and the held-out chat test; write EVAL.md."""
    nlp = spacy.load(model_dir)
    lener = evaluate(nlp, corpus / "lener_dev.spacy")
    chat = evaluate(nlp, corpus / "chat_test.spacy")
    unseen, n_unseen = unseen_person_recall(nlp, corpus / "chat_test.spacy", corpus / "train.spacy")
    notes = [
        *notes,
        f"Chat test PERSON recall on names never seen as a training PERSON span: {unseen:.3f} "
        f"({n_unseen:,} spans).",
    ]
    write_report(
        out,
        {"LeNER-Br dev (legal text, 1,176 sentences)": lener, "Held-out chat test": chat},
        notes,
    )
    return {"lener_dev": lener, "chat_test": chat, "unseen_person_recall": unseen}


def train(
    lener: str | Path | None = None,
    work_dir: Path = WORK_DIR,
    model_dir: Path = MODEL_DIR,
    max_steps: int | None = None,
    sizes: CorpusSizes | None = None,
) -> dict:
    """The whole recipe; returns corpus counts, training time, model size and scores."""
    sizes = sizes or CorpusSizes()
    from spacy.cli.train import train as spacy_train

    corpus = work_dir / "corpus"
    counts = build(corpus, lener_dir(lener), sizes)
    overrides = {"paths.train": str(corpus / "train.spacy"), "paths.dev": str(corpus / "dev.spacy")}
    if max_steps:
        overrides["training.max_steps"] = max_steps
    steps = max_steps or spacy.util.load_config(CONFIG)["training"]["max_steps"]
    started = time.perf_counter()
    spacy_train(CONFIG, work_dir / "training", overrides=overrides)
    minutes = (time.perf_counter() - started) / 60
    size = ship(work_dir / "training" / "model-last", model_dir)
    notes = [
        f"Corpus: LeNER-Br train ({counts['train'] - sizes.chat_train:,} sentences) + "
        f"{sizes.chat_train:,} generated chat messages (seed {sizes.seed}); chat test: "
        f"{sizes.chat_test:,} messages from different templates (seed {sizes.test_seed}).",
        f"Training: {minutes:.1f} min on a shared 2-core machine, config.cfg, {steps:,} steps; "
        f"shipped model-last, {size / 1e6:.1f} MB.",
    ]
    notes += KNOWN_LIMITS
    return {"counts": counts, "minutes": minutes, "size": size, **report(model_dir, corpus, notes)}
