"""The whole-column pass of the WhatsApp parser gives exactly what the per-record code gives.

``parse_export(text)`` cuts records with polars; ``parse_export(text, columnar=False)`` runs the
per-record Python code on every record. Both must agree on every field of every message and
quarantined record, on fixtures, on hand-written corner cases and on generated exports.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.ingest.text_lines import read_text
from pipelines.ingest.whatsapp_export import ParsedExport, parse_export
from pipelines.ingest.whatsapp_media import (
    _maybe_special,
    casefold_special,
    python_whitespace,
    special_screen,
)
from pipelines.synthetic.whatsapp_writer import LAYOUTS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "whatsapp"
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(parsed: ParsedExport) -> tuple:
    return (
        parsed.layout,
        parsed.date_order,
        parsed.date_order_ambiguous,
        parsed.total_lines,
        parsed.line_start,
        [tuple(vars(m).values()) for m in parsed.messages],
        parsed.quarantined,
    )


def assert_same(text: str) -> ParsedExport:
    columnar, reference = parse_export(text), parse_export(text, columnar=False)
    assert outcome(columnar) == outcome(reference)
    return columnar


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_fixtures(fixture):
    parsed = assert_same(read_text(FIXTURES / fixture)[0])
    assert parsed.messages  # the comparison is not between two empty results


HEAD = "13/03/2025 10:00 - "
CASES = {
    "quoted group subject with a colon": f'{HEAD}Ana mudou o assunto de "Prazo: 10/04" para "X"',
    "apostrophe in a sender": f"{HEAD}Joana D'Arc: oi",
    "sender, empty body": f"{HEAD}Ana Souza:",
    "sender, empty body, continuation": f"{HEAD}Ana Souza:\nsegunda linha\nterceira",
    "colon first": f"{HEAD}: sem remetente",
    "blank sender": f"{HEAD}   : corpo",
    "system line": f"{HEAD}Ana adicionou Bia",
    "missed call": f"{HEAD}Ana: Chamada de voz perdida",
    "ios system line from the chat": "[13/03/2025, 10:00:00] Grupo: \u200eAna adicionou Bia",
    "ios media": "[13/03/2025, 10:00:00] Ana: \u200e<anexado: 00000014-STICKER-x.webp>",
    "invisible marks around the sender": f"\u200e{HEAD}\u2068Ana\u2069: oi @\u2068Bia\u2069",
    "bom": f"\ufeff{HEAD}Ana: oi",
    "invalid day": f"31/02/2025 10:00 - Ana: x\n{HEAD}Ana: y",
    "invalid hour": f"13/03/2025 25:00 - Ana: x\n{HEAD}Ana: y",
    "arabic-indic digits": f"{HEAD}Ana: a\n١٣/٠٣/٢٠٢٥ ١٠:٠٠ - Bia: b\n{HEAD}Ana: c",
    "digits newer than this python": f"{HEAD}Ana: a\n\U00011f51\U00011f53/03/2025 10:00 - B: b",
    "long s reads as location": f"{HEAD}Ana: \u017ftandort: Berlin",
    "sharp s in a tail word": f"{HEAD}Ana: Nachricht GELÖßCHT",
    "deleted, upper case": f"{HEAD}Ana: ESTA MENSAGEM FOI APAGADA.",
    "edited with a multi-line body": f"{HEAD}Ana: um\ndois <Mensagem editada>",
    "hidden media with a caption": f"{HEAD}Ana: <Mídia oculta>\nlegenda",
    "attachment with pages": f"{HEAD}Ana: DOC-1.pdf • 3 páginas (arquivo anexado)",
    "poll": f"{HEAD}Ana: POLL:\nPergunta?\nOPTION: A (1 vote)",
    "python-only whitespace around the body": f"{HEAD}Ana: \x1ctexto\x1f",
    "header-like continuation": f"{HEAD}Ana: lista:\n14/03/2025 prazo final\n{HEAD}Bia: ok",
    "narrow no-break space before PM": "3/13/25, 12:25:55\u202fPM - Ana: oi",
    "a. m.": "13/03/25, 11:25 a. m. - Ana: hola",
    "text before the first header": f"cabeçalho solto\n{HEAD}Ana: oi",
    "no header at all": "apenas texto\nsem cabeçalho",
    "empty": "",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_corner_cases(text):
    assert_same(text)


def test_a_lone_surrogate_is_replaced_not_raised():
    parsed = parse_export(f"{HEAD}Ana: a\ud800b")
    assert [m.body for m in parsed.messages] == ["a?b"]


def test_the_frame_holds_the_messages_in_file_order():
    text = f"{HEAD}Ana: <Mídia oculta>\n{HEAD}Ana adicionou Bia\n{HEAD}Bia: oi\n"
    parsed = parse_export(text)
    assert parsed.frame["line_number"].to_list() == [1, 2, 3]
    assert parsed.frame["message_type"].to_list() == ["media", "system", "text"]
    assert parsed.frame["timestamp"].dtype == pl.Datetime("us")


MARKERS = [
    "<Mídia oculta>",
    "Esta mensagem foi apagada",
    "<Mensagem editada>",
    "IMG-1.jpg",
    " (arquivo anexado)",
    "imagem ocultada",
    "Location: ",
    "POLL:",
    "Chamada de voz perdida",
    "<anexado: a.pdf>",
    "\u200e",
    "\u2068",
    "ß",
    "\u017f",
    "K",
    ": ",
    ":",
    "\n",
    '"',
    "mudou o assunto",
]
BODY = st.lists(
    st.one_of(
        st.sampled_from(MARKERS), st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
    ),
    max_size=6,
).map("".join)


@st.composite
def exports(draw) -> str:
    layout = LAYOUTS[draw(st.sampled_from(sorted(LAYOUTS)))]
    at = draw(st.datetimes(datetime(2015, 1, 1), datetime(2030, 12, 1))).replace(microsecond=0)
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        at += timedelta(seconds=draw(st.integers(0, 50_000)))
        sender = draw(st.sampled_from(["Ana Souza", "+55 85 8204-7737", "Dona Cida 🌻", ""]))
        separator = draw(st.sampled_from([": ", ":", " ", ": \u200e"]))
        lines.append(f"{layout.stamp(at)}{sender}{separator}{draw(BODY)}")
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


@SETTINGS
@given(exports())
def test_generated_exports(text):
    assert_same(text)


@SETTINGS
@given(st.text(max_size=200))
def test_random_text(text):
    assert_same(text)


@SETTINGS
@given(st.lists(BODY, min_size=1, max_size=20))
def test_the_screen_flags_every_body_the_python_screen_flags(bodies):
    flagged = pl.DataFrame({"b": bodies}).select(special_screen(pl.col("b")))["b"].to_list()
    for body, screened in zip(bodies, flagged, strict=True):
        assert screened or not _maybe_special(body), body


@pytest.mark.parametrize(
    ("body", "flagged"),
    [
        ("<Mídia oculta>", True),
        ("Ok, combinado então", False),
        ("Obrigada 🙏", False),
        ("  localização: Rua X", True),
        ("esta mensagem foi apagada...", True),
    ],
)
def test_the_screen_on_known_bodies(body, flagged):
    screened = pl.DataFrame({"b": [body]}).select(special_screen(pl.col("b")))["b"].item()
    assert screened is flagged


def test_whitespace_and_casefold_tables_cover_every_code_point():
    everything = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    assert python_whitespace() == "".join(c for c in everything if c.isspace())
    assert casefold_special() == tuple(c for c in everything if c.casefold() != c.lower())
