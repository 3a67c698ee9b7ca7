"""Property-based tests (hypothesis): random and mutated inputs never make a parser raise, and
every physical line ends up parsed or quarantined exactly once.

Complements ``test_parser_invariants.py`` (seeded mutations of the fixtures) with generated
exports in every layout the demo writes, so a round trip (render -> parse) is checked too.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.ingest.call_mappings import available_mappings, parse_mapped_calls
from pipelines.ingest.call_records import parse_asterisk_cdr
from pipelines.ingest.cloud_api import parse_deliveries
from pipelines.ingest.text_lines import physical_lines
from pipelines.ingest.whatsapp_export import parse_export
from pipelines.synthetic.whatsapp_writer import LAYOUTS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ODD = "\u200e\u200f\u2068\u2069\ufeff\u202f\u00a0\u2028\x85\x0c\x00\t:,[]-/.\"'<>()•📎🌻"
BODY_CHARS = st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",))
SENDER = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzÁÉçãõ ABC🌻"), min_size=1, max_size=20)
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


def _covered_once(records, lines: list[str]) -> None:
    covered = []
    for record in records:
        span = range(record.line_number, record.line_number + record.line_count)
        covered.extend(span)
        assert record.raw == "\n".join(lines[n - 1] for n in span)
    assert sorted(covered) == list(range(1, len(lines) + 1))


@st.composite
def exports(draw) -> tuple[str, str, list[tuple[datetime, str]]]:
    """A rendered export: layout name, text, and the (time, sender) of each message."""
    layout = LAYOUTS[draw(st.sampled_from(sorted(LAYOUTS)))]
    start = draw(st.datetimes(datetime(2015, 1, 13), datetime(2030, 12, 1)))
    gaps = draw(st.lists(st.integers(0, 72 * 3600), min_size=1, max_size=25))
    lines, truth, at = [], [], start.replace(day=25, microsecond=0)  # day > 12 settles order
    for gap in gaps:
        at += timedelta(seconds=gap)
        sender = draw(SENDER).strip() or "x"
        body = draw(st.lists(st.text(BODY_CHARS, max_size=40), min_size=1, max_size=3))
        # continuation lines start with a letter, so they never read as a header
        lines.append(f"{layout.stamp(at)}{sender}: {body[0]}")
        lines.extend(f"x{extra}" for extra in body[1:])
        truth.append((at, sender))
    ending = draw(ENDINGS)
    text = ending.join(lines) + draw(st.sampled_from(["", ending]))
    return layout.name, text, truth


@SETTINGS
@given(exports())
def test_rendered_exports_round_trip(export):
    _, text, truth = export
    parsed = parse_export(text)
    assert parsed.quarantined == []
    assert len(parsed.messages) == len(truth)
    for message, (at, _) in zip(parsed.messages, truth, strict=True):
        assert message.timestamp.replace(second=0) == at.replace(second=0)
    _covered_once(parsed.messages, physical_lines(text))


@st.composite
def mutated(draw, text: str) -> str:
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.integers(0, 6))
        if op == 0:
            del lines[i]
        elif op == 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 2:
            lines.insert(i, lines[i])
        elif op == 3:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == 4:
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = (
                lines[i][:pos] + draw(st.text(st.sampled_from(ODD), max_size=3)) + lines[i][pos:]
            )
        elif op == 5:
            lines.insert(i, draw(st.text(max_size=30)))
        else:
            digits = [k for k, c in enumerate(lines[i]) if c.isdigit()]
            if digits:
                k = draw(st.sampled_from(digits))
                lines[i] = lines[i][:k] + str(draw(st.integers(0, 9))) + lines[i][k + 1 :]
    return draw(ENDINGS).join(lines)


@SETTINGS
@given(st.data())
def test_mutated_exports_lose_no_line(data):
    _, text, _ = data.draw(exports())
    text = data.draw(mutated(text))
    parsed = parse_export(text)
    lines = physical_lines(text)
    assert parsed.total_lines == len(lines)
    _covered_once([*parsed.messages, *parsed.quarantined], lines)


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_as_an_export(text):
    parsed = parse_export(text)
    _covered_once([*parsed.messages, *parsed.quarantined], physical_lines(text))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
CLOUD = (FIXTURES / "cloud_api" / "all_types.jsonl").read_text(encoding="utf-8")


def _cloud_lines_balance(text: str) -> None:
    parsed = parse_deliveries(text)
    lines = physical_lines(text)
    assert parsed.total_lines == len(lines)
    parsed_units = {m.envelope.line_number: m.envelope.line_count for m in parsed.messages}
    parsed_units |= {s.envelope.line_number: s.envelope.line_count for s in parsed.statuses}
    quarantined = sum(q.line_count for q in parsed.quarantined)
    assert sum(parsed_units.values()) + quarantined == len(lines)
    assert not set(parsed_units) & {q.line_number for q in parsed.quarantined}


@SETTINGS
@given(st.lists(JSON, max_size=6))
def test_random_json_deliveries(values):
    _cloud_lines_balance("\n".join(json.dumps(v) for v in values))


@SETTINGS
@given(st.data())
def test_mutated_cloud_files(data):
    _cloud_lines_balance(data.draw(mutated(CLOUD)))


CSVS = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "calls").rglob("*.csv"))]


@SETTINGS
@given(st.data())
def test_mutated_call_files(data):
    text = data.draw(mutated(data.draw(st.sampled_from(CSVS))))
    lines = physical_lines(text)
    for parsed in (
        parse_asterisk_cdr(text),
        *(parse_mapped_calls(text, m) for m in available_mappings().values()),
    ):
        assert len(parsed.records) + len(parsed.quarantined) + parsed.header_lines == len(lines)
        assert all(r.raw == lines[r.line_number - 1] for r in parsed.records)
