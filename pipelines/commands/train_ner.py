"""vigia train-ner: rebuild the Portuguese NER model in models/ner/ (corpus, training, EVAL.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.commands import CliError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train-ner", help="retrain the shipped Portuguese NER model (needs LeNER-Br)"
    )
    parser.add_argument(
        "--lener-dir",
        default=None,
        help="folder with LeNER-Br train.conll and dev.conll "
        "(default $VIGIA_NER_CORPUS, else ../shared/corpora/lener-br)",
    )
    parser.add_argument(
        "--work-dir", default=None, help="corpus and checkpoints (default .vigia/ner)"
    )
    parser.add_argument(
        "--max-steps", type=int, default=None, help="training steps (default: config.cfg)"
    )
    parser.add_argument(
        "--corpus-only", action="store_true", help="only build the corpus (.spacy files)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from models.ner.corpus import CorpusError, build, lener_dir
    from models.ner.train import MODEL_DIR, WORK_DIR, train

    work_dir = Path(args.work_dir) if args.work_dir else WORK_DIR
    try:
        if args.corpus_only:
            counts = build(work_dir / "corpus", lener_dir(args.lener_dir))
            print(f"corpus written to {work_dir / 'corpus'}: {counts}")
            return 0
        result = train(args.lener_dir, work_dir, max_steps=args.max_steps)
    except CorpusError as exc:
        raise CliError(str(exc)) from None
    print(f"model written to {MODEL_DIR} ({result['size'] / 1e6:.1f} MB); scores in EVAL.md")
    for name in ("lener_dev", "chat_test"):
        person = result[name]["PERSON"]
        print(f"  {name}: PERSON F1 {person['f']:.3f}, all F1 {result[name]['ALL']['f']:.3f}")
    return 0
