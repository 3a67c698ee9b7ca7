"""vigia redact: JSON Lines {"id", "text"} on stdin -> redacted text and entity offsets on stdout.

Each output line is {"id", "text_redacted", "entities": [{"start", "end", "label",
"text_hash"}]}: offsets into the input text, the entity label (PERSON, CPF, ...) and the keyed
pseudonym of the value (the token its placeholder carries), never the value itself. The key is
the pipeline's (VIGIA_KEY or the key file); the firm's directory, when
$VIGIA_LANDING_DIR/reference exists, makes known names and their phones one pseudonym. A bad
line is reported on stderr by its line number only and skipped; the exit code is 1 if any was.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from pipelines.commands import CliError

BATCH_LINES = 2000


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "redact", help="redact PII in JSON Lines {id, text} read from stdin"
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=BATCH_LINES,
        help=f"lines analysed together (default {BATCH_LINES})",
    )
    parser.set_defaults(func=run)


def parse_line(line: str) -> tuple[object, str]:
    """(id, text) of one input line; ValueError names what is wrong, never the content."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON (column {exc.colno}: {exc.msg})") from None
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    missing = [field for field in ("id", "text") if field not in record]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    if not isinstance(record["text"], str):
        raise ValueError("field 'text' must be a string")
    if not isinstance(record["id"], str | int) or isinstance(record["id"], bool):
        raise ValueError("field 'id' must be a string or an integer")
    return record["id"], record["text"]


def numbered_batches(lines: Iterable[str], size: int) -> Iterator[list[tuple[int, str]]]:
    batch: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            batch.append((number, line))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def redact_stream(
    lines: Iterable[str], out: TextIO, err: TextIO, analyzer, pseudonymizer, batch_size: int
) -> tuple[int, int, int]:
    """Redact JSON Lines to `out`; returns (records written, entities, lines failed)."""
    from pipelines.privacy.redaction import redact_many_with_spans, span_token

    written = entities = failed = 0
    for batch in numbered_batches(lines, batch_size):
        records = []
        for number, line in batch:
            try:
                records.append(parse_line(line))
            except ValueError as exc:
                failed += 1
                print(f"vigia redact: line {number}: {exc}; skipped", file=err)
        results = redact_many_with_spans([t for _, t in records], analyzer, pseudonymizer)
        for (record_id, _text), (redacted, spans) in zip(records, results, strict=True):
            found = [
                {
                    "start": s.start,
                    "end": s.end,
                    "label": s.entity,
                    "text_hash": span_token(s, analyzer, pseudonymizer),
                }
                for s in spans
            ]
            row = {"id": record_id, "text_redacted": redacted, "entities": found}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
            entities += len(found)
    return written, entities, failed


def privacy_toolkit():
    from models.analyzer import RegistryError, build_analyzer
    from pipelines.conform.directory import Directory, ReferenceDataError
    from pipelines.privacy.keys import KeyConfigError, load_key
    from pipelines.privacy.pseudonyms import Pseudonymizer
    from pipelines.settings import Settings

    settings = Settings.from_env()
    reference = settings.landing_dir / "reference"
    try:
        key = load_key()
        directory = (
            Directory.load(reference, settings.default_region)
            if reference.is_dir()
            else Directory.empty()
        )
        analyzer = build_analyzer(directory.known_names())
    except (KeyConfigError, ReferenceDataError, RegistryError) as exc:
        raise CliError(str(exc)) from None
    return analyzer, Pseudonymizer(key, directory.aliases())


def run(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise CliError("--batch-size must be at least 1")
    analyzer, pseudonymizer = privacy_toolkit()
    written, entities, failed = redact_stream(
        sys.stdin, sys.stdout, sys.stderr, analyzer, pseudonymizer, args.batch_size
    )
    print(
        f"vigia redact: {written} records redacted, {entities} entities, {failed} lines failed",
        file=sys.stderr,
    )
    return 1 if failed else 0
