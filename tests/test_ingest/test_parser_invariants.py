"""Randomized robustness: parsers never raise and account for every physical line.

``hypothesis`` is not a dependency yet, so inputs are mutated with a seeded ``random.Random``
(line drops, swaps, duplicates, truncations, random unicode, digit flips, mixed line endings).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipelines.ingest.call_records import parse_asterisk_cdr
from pipelines.ingest.text_lines import physical_lines
from pipelines.ingest.whatsapp_export import parse_export

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WHATSAPP = sorted((FIXTURES / "whatsapp").glob("*.txt"))
CALLS = sorted((FIXTURES / "calls").glob("*.csv"))
ODD_CHARS = "\u200e\u200f\u2068\u2069\ufeff\u202f\u00a0\u2028\u2029\x85\x0c\x00\r\n\t:,[]-/.\"' "
ENDINGS = ("\n", "\r\n", "\r")


def _random_char(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(ODD_CHARS)
    return chr(rng.choice([rng.randrange(32, 127), rng.randrange(0xA0, 0x3000),
                           rng.randrange(0x1F300, 0x1FAFF)]))


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        op = rng.randrange(8)
        if op == 0:
            del lines[i]
        elif op == 1:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 2:
            lines.insert(i, lines[i])
        elif op == 3:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif op == 4:
            pos = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + _random_char(rng) + lines[i][pos:]
        elif op == 5:
            digits = [k for k, c in enumerate(lines[i]) if c.isdigit()]
            if digits:
                k = rng.choice(digits)
                lines[i] = lines[i][:k] + str(rng.randrange(10)) + lines[i][k + 1:]
        elif op == 6:
            lines.insert(i, "".join(_random_char(rng) for _ in range(rng.randrange(12))))
        else:
            lines = lines[: i + 1]
    out = "".join(line + rng.choice(ENDINGS) for line in lines)
    return out if rng.random() < 0.7 else out[: rng.randrange(len(out) + 1)]


def random_text(rng: random.Random) -> str:
    return "".join(_random_char(rng) for _ in range(rng.randrange(200)))


def assert_every_line_once(records, total: int, lines: list[str]) -> None:
    covered = []
    for record in records:
        assert record.line_count >= 1
        span = range(record.line_number, record.line_number + record.line_count)
        covered.extend(span)
        assert record.raw == "\n".join(lines[n - 1] for n in span)
    assert sorted(covered) == list(range(1, total + 1))


@pytest.mark.parametrize("seed", range(8))
def test_whatsapp_parser_accounts_for_every_line(seed):
    rng = random.Random(seed)
    bases = [path.read_text(encoding="utf-8") for path in WHATSAPP]
    for _ in range(60):
        text = random_text(rng) if rng.random() < 0.1 else mutate(rng.choice(bases), rng)
        parsed = parse_export(text)
        lines = physical_lines(text)
        assert parsed.total_lines == len(lines)
        assert (sum(m.line_count for m in parsed.messages)
                + sum(q.line_count for q in parsed.quarantined)) == parsed.total_lines
        assert_every_line_once([*parsed.messages, *parsed.quarantined], len(lines), lines)
        assert parsed.date_order in {"DMY", "MDY", "YMD"}


@pytest.mark.parametrize("seed", range(4))
def test_cdr_parser_accounts_for_every_line(seed):
    rng = random.Random(1000 + seed)
    bases = [path.read_text(encoding="utf-8") for path in CALLS]
    for _ in range(60):
        text = random_text(rng) if rng.random() < 0.1 else mutate(rng.choice(bases), rng)
        parsed = parse_asterisk_cdr(text)
        lines = physical_lines(text)
        assert parsed.total_lines == len(lines)
        assert (len(parsed.records) + len(parsed.quarantined) + parsed.header_lines
                == parsed.total_lines)
        # records and quarantined rows are single lines, the rest are header lines
        assert all(r.raw == lines[r.line_number - 1] for r in parsed.records)
        assert all(q.raw == lines[q.line_number - 1] for q in parsed.quarantined)
