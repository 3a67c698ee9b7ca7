"""WhatsApp export parser: layouts, date order, records, quarantine, line endings, reading files."""

from __future__ import annotations

import codecs
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.ingest.errors import ExportReadError
from pipelines.ingest.whatsapp_export import (
    ParsedExport,
    ParsedMessage,
    _message,
    parse_export,
    read_export,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "whatsapp"


def lines_covered(parsed: ParsedExport) -> int:
    records = [*parsed.messages, *parsed.quarantined]
    return sum(r.line_count for r in records)


def by_line(parsed: ParsedExport) -> dict[int, ParsedMessage]:
    return {m.line_number: m for m in parsed.messages}


@pytest.mark.parametrize(
    ("fixture", "layout", "order", "line_start", "first", "last"),
    [
        ("android_ptbr_24h.txt", "android-dmy-24h", "DMY", "DD/MM/YYYY HH:MM - ",
         datetime(2025, 10, 28, 9, 0), datetime(2025, 10, 30, 18, 45)),
        ("android_dmy_comma.txt", "android-dmy-24h", "DMY", "DD/MM/YYYY, HH:MM - ",
         datetime(2024, 3, 15, 8, 30), datetime(2024, 3, 16, 21, 10)),
        ("android_en_us_12h.txt", "android-mdy-12h", "MDY", "MM/DD/YY, HH:MM AM/PM - ",
         datetime(2025, 10, 28, 9, 0), datetime(2025, 10, 29, 8, 3)),
        ("android_ymd.txt", "android-ymd-24h", "YMD", "YYYY/MM/DD, HH:MM - ",
         datetime(2024, 3, 5, 8, 30), datetime(2024, 4, 1, 17, 0)),
        ("android_dots.txt", "android-dmy-24h", "DMY", "DD.MM.YYYY, HH:MM - ",
         datetime(2024, 3, 5, 8, 30), datetime(2024, 3, 20, 17, 0)),
        ("android_es_ampm.txt", "android-dmy-12h", "DMY", "DD/MM/YY, HH:MM AM/PM - ",
         datetime(2025, 10, 28, 11, 25), datetime(2025, 10, 28, 12, 5)),
        ("ios_ptbr.txt", "ios-dmy-24h-seconds", "DMY", "[DD/MM/YYYY, HH:MM:SS] ",
         datetime(2025, 10, 28, 9, 0), datetime(2025, 10, 28, 9, 7)),
        ("ios_en_us_nocomma.txt", "ios-mdy-12h-seconds", "MDY", "[MM/DD/YY HH:MM:SS AM/PM] ",
         datetime(2025, 10, 28, 9, 0), datetime(2025, 10, 28, 13, 11)),
        ("ios_dots.txt", "ios-dmy-24h-seconds", "DMY", "[DD.MM.YY, HH:MM:SS] ",
         datetime(2025, 10, 28, 14, 2, 11), datetime(2025, 10, 29, 8, 0, 59)),
        ("ios_mdy_nosec.txt", "ios-mdy-24h", "MDY", "[MM/DD/YY HH:MM] ",
         datetime(2025, 10, 28, 14, 2), datetime(2025, 10, 30, 9, 15)),
    ],
)
def test_layout_is_inferred_from_the_file(fixture, layout, order, line_start, first, last):
    parsed = read_export(FIXTURES / fixture)
    assert (parsed.layout, parsed.date_order, parsed.line_start) == (layout, order, line_start)
    assert parsed.date_order_ambiguous is False  # every fixture has a day or month above 12
    assert parsed.quarantined == []
    assert parsed.encoding == "utf-8"
    assert parsed.messages[0].timestamp == first
    assert parsed.messages[-1].timestamp == last
    assert lines_covered(parsed) == parsed.total_lines
    assert parsed.total_lines == (FIXTURES / fixture).read_text(encoding="utf-8").count("\n")


@pytest.mark.parametrize(
    ("line", "sender", "kind", "message_type", "body"),
    [
        (1, None, "system", "system", None),
        (3, "Ana Souza", "message", "text", "Bom dia, Sr. Carlos! Tudo bem?"),
        # continuation lines, one of which starts with a date, stay in the message
        (4, "Carlos Pereira", "message", "text",
         "Bom dia, doutora.\nRecebi a intimação ontem.\n29/10/2025 é a data da audiência?"),
        (14, "+55 85 8204-7737", "message", "text", "Oi, aqui é o irmão do Carlos 😀"),
        (15, "Júlia 🌸", "message", "poll", None),
        (20, "Carlos Pereira", "message", "text", ""),  # empty body
        (26, None, "system", "call", "Chamada de voz perdida"),
        (30, "Carlos Pereira", "message", "text", "Obrigado, doutora! Até amanhã."),
    ],
)
def test_android_ptbr_records(line, sender, kind, message_type, body):
    message = by_line(read_export(FIXTURES / "android_ptbr_24h.txt"))[line]
    assert (message.sender, message.kind, message.message_type) == (sender, kind, message_type)
    if body is not None:
        assert message.body == body


def test_line_spans_and_raw_text_are_kept():
    text = (FIXTURES / "android_ptbr_24h.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    parsed = parse_export(text)
    for record in [*parsed.messages, *parsed.quarantined]:
        start = record.line_number - 1
        assert record.raw == "\n".join(lines[start:start + record.line_count])
    poll = by_line(parsed)[15]
    assert (poll.line_count, poll.timestamp_text) == (4, "28/10/2025 09:11")


def test_a_line_in_another_layout_is_a_continuation():
    parsed = read_export(FIXTURES / "android_ptbr_24h.txt")
    security = by_line(parsed)[28]
    assert security.line_count == 2 and security.system_event == "security_code_changed"
    pasted = "[28/10/2025, 09:22:00] Ana Souza: linha colada de outro aparelho"
    assert security.body.endswith(f"\n{pasted}")
    ios = by_line(read_export(FIXTURES / "ios_ptbr.txt"))[15]
    assert ios.body == "Primeira linha\n28/10/2025 09:06 - isto não é um cabeçalho deste formato"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("10/28/25, 1:55 PM - ", datetime(2025, 10, 28, 13, 55)),
        ("10/28/25, 12:25\u202fPM - ", datetime(2025, 10, 28, 12, 25)),
        ("10/28/25, 12:25 AM - ", datetime(2025, 10, 28, 0, 25)),
        ("10/28/25, 11:25 a. m. - ", datetime(2025, 10, 28, 11, 25)),
        ("10/28/25, 1:55 p.m. - ", datetime(2025, 10, 28, 13, 55)),
        ("10/28/25, 1:55 pm - ", datetime(2025, 10, 28, 13, 55)),
        ("10/28/25, 1:55\u00a0am - ", datetime(2025, 10, 28, 1, 55)),
        ("[10/28/25, 12:25:55\u202fPM] ", datetime(2025, 10, 28, 12, 25, 55)),
        ("[28/10/2025 23:59:59] ", datetime(2025, 10, 28, 23, 59, 59)),
        ("\u200e[28.10.25, 00:00:01] ", datetime(2025, 10, 28, 0, 0, 1)),
        ("\ufeff28/10/2025 14:02 - ", datetime(2025, 10, 28, 14, 2)),
        ("28/10/2025 14:02 \u2013 ", datetime(2025, 10, 28, 14, 2)),
        ("2025-10-28, 14:02 - ", datetime(2025, 10, 28, 14, 2)),
    ],
)
def test_clock_and_date_variants(header, expected):
    parsed = parse_export(f"{header}Ana Souza: oi\n")
    assert [m.timestamp for m in parsed.messages] == [expected]
    assert parsed.messages[0].sender == "Ana Souza"


@pytest.mark.parametrize(
    ("dates", "time", "order", "ambiguous"),
    [
        (["13/01/2025", "14/01/2025"], "10:00", "DMY", False),  # first field > 12
        (["01/13/2025", "01/14/2025"], "10:00", "MDY", False),  # second field > 12
        (["01/02/2025", "01/03/2025", "13/03/2025"], "10:00", "DMY", False),  # one line settles
        # no field above 12 -> ambiguous; backward steps in time decide first:
        # DMY reads 1 Mar -> 2 Jan (backwards), MDY reads Jan 3 -> Feb 1
        (["01/03/2025", "02/01/2025"], "10:00", "MDY", True),
        # then the order usual for the line start: 4-digit years with slashes are pt-BR/en-GB
        (["11/09/2026", "11/11/2026"], "10:00", "DMY", True),
        (["01.02.25", "01.03.25"], "10:00", "DMY", True),  # dotted dates
        (["01/02/25", "01/03/25"], "9:00 AM", "MDY", True),  # en-US
        (["01/02/25", "01/03/25"], "9:00 a. m.", "DMY", True),  # es
        # then the shorter span: steps of days beat steps of months
        (["01/02/25", "02/02/25", "03/02/25"], "10:00", "DMY", True),
        (["02/01/25", "02/02/25", "02/03/25"], "10:00", "MDY", True),
        (["05/05/25"], "10:00", "DMY", True),  # nothing to go on at all
    ],
)
def test_date_order_from_the_whole_file(dates, time, order, ambiguous):
    text = "".join(f"{d}, {time} - Ana Souza: oi\n" for d in dates)
    parsed = parse_export(text)
    assert (parsed.date_order, parsed.date_order_ambiguous) == (order, ambiguous)
    assert len(parsed.messages) == len(dates)


@pytest.mark.parametrize(
    ("text", "quarantined_lines", "reason_part"),
    [
        ("31/02/2025 10:00 - Ana Souza: oi\ncontinua\n13/03/2025 10:00 - Ana Souza: ok\n",
         [(1, 2)], "invalid date or time"),
        ("13/03/2025 25:00 - Ana Souza: oi\n13/03/2025 10:00 - Ana Souza: ok\n",
         [(1, 1)], "invalid date or time"),
        ("13/03/2025 10:61 - Ana Souza: oi\n", [(1, 1)], "invalid date or time"),
        ("[3/13/25, 13:05:00 PM] Ana Souza: oi\n[3/13/25, 1:05:00 PM] Ana Souza: ok\n",
         [(1, 1)], "invalid date or time"),
        ("Chat export\n\n13/03/2025 10:00 - Ana Souza: oi\n", [(1, 1), (2, 1)],
         "before the first message header"),
    ],
)
def test_bad_headers_and_preamble_are_quarantined(text, quarantined_lines, reason_part):
    parsed = parse_export(text)
    assert [(q.line_number, q.line_count) for q in parsed.quarantined] == quarantined_lines
    assert all(reason_part in q.reason for q in parsed.quarantined)
    assert all(q.reason.startswith("line") for q in parsed.quarantined)
    assert "Ana" not in " ".join(q.reason for q in parsed.quarantined)  # no content in reasons
    assert lines_covered(parsed) == parsed.total_lines


@pytest.mark.parametrize(
    "text",
    ["", "just some text\nwith no headers\n", "\n\n\n", "10:00 - Ana: oi"],
)
def test_text_without_headers_is_fully_quarantined(text):
    parsed = parse_export(text)
    assert parsed.messages == [] and parsed.layout == "unknown"
    assert [q.line_number for q in parsed.quarantined] == list(range(1, parsed.total_lines + 1))


BASE = (FIXTURES / "android_ptbr_24h.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "variant",
    [
        BASE.replace("\n", "\r\n"),
        BASE.replace("\n", "\r"),
        BASE.rstrip("\n"),  # no final newline
        "\ufeff" + BASE,
        "".join(line + ("\r\n" if i % 3 == 0 else "\r" if i % 3 == 1 else "\n")
                for i, line in enumerate(BASE.split("\n")[:-1])),
    ],
    ids=["crlf", "cr", "no-final-newline", "bom", "mixed"],
)
def test_line_endings_do_not_change_the_records(variant):
    expected = parse_export(BASE)
    parsed = parse_export(variant)
    assert parsed.total_lines == expected.total_lines
    assert [(m.line_number, m.line_count, m.sender, m.body, m.timestamp)
            for m in parsed.messages] == [
        (m.line_number, m.line_count, m.sender, m.body, m.timestamp) for m in expected.messages]
    assert "\r" not in "".join(m.raw for m in parsed.messages)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x0c", "\x85", "\x1c", "\x0b"])
def test_only_cr_and_lf_end_lines(separator):
    parsed = parse_export(f"13/03/2025 10:00 - Ana Souza: um{separator}dois\n")
    assert parsed.total_lines == 1
    assert parsed.messages[0].body == f"um{separator}dois"


def test_invisible_marks_are_stripped_from_sender_and_body_but_kept_in_raw():
    line = "\u200e[13/03/2025, 10:00:00] \u200eAna Souza: \u200eoi @\u2068Carlos\u2069"
    message = parse_export(line).messages[0]
    assert (message.sender, message.body, message.raw) == ("Ana Souza", "oi @Carlos", line)


def test_fast_builder_equals_the_dataclass_constructor():
    values = (3, 2, "raw", datetime(2025, 1, 2, 3, 4), "Ana", "oi", "message", None, None,
              False, True, "text", None, "02/01/2025 03:04")
    fast, slow = _message(*values), ParsedMessage(*values)
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    with pytest.raises(AttributeError):
        fast.body = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: t.encode("utf-16"), "utf-16"),
        (lambda t: t.encode("cp1252"), "cp1252"),
    ],
)
def test_read_export_decodes_and_records_the_encoding(tmp_path, encode, encoding):
    text = "13/03/2025 10:00 - Ana Souza: Atenção, ação até amanhã\n"
    path = tmp_path / "Conversa do WhatsApp com Ana Souza.txt"
    path.write_bytes(encode(text))
    parsed = read_export(path)
    assert parsed.encoding == encoding
    assert parsed.messages[0].body == "Atenção, ação até amanhã"


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: None, "cannot be read"),  # missing file
        (lambda p: p.mkdir(), "cannot be read"),  # a directory
        (lambda p: p.write_bytes(b"PK\x03\x04\x81\x8d\x8f\x90\x9d segredo"), "not a text file"),
    ],
)
def test_unreadable_files_raise_an_error_naming_the_file(tmp_path, make, problem):
    path = tmp_path / "chat.txt"
    make(path)
    with pytest.raises(ExportReadError) as info:
        read_export(path)
    message = str(info.value)
    assert str(path) in message and problem in message and "segredo" not in message
