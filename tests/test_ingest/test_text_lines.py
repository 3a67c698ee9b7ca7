"""Decoding landing files and splitting them into physical lines."""

from __future__ import annotations

import codecs

import pytest

from pipelines.ingest.errors import ExportReadError
from pipelines.ingest.text_lines import decode_text, physical_lines


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("\n", [""]),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\n\n", ["a", ""]),
        ("a\r\nb\rc\nd", ["a", "b", "c", "d"]),
        ("a\r\r\nb", ["a", "", "b"]),
        ("a\n\rb", ["a", "", "b"]),
        ("a\u2028b\x85c\x0cd\u2029e", ["a\u2028b\x85c\x0cd\u2029e"]),
    ],
)
def test_physical_lines(text, lines):
    assert physical_lines(text) == lines


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("ação".encode(), "ação", "utf-8"),
        (codecs.BOM_UTF8 + "ação".encode(), "ação", "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "ação".encode("utf-16-le"),
         "ação", "utf-16"),
        (codecs.BOM_UTF16_BE + "ação".encode("utf-16-be"), "ação", "utf-16"),
        ("ação – “ok”".encode("cp1252"), "ação – “ok”", "cp1252"),
        (b"", "", "utf-8"),
    ],
)
def test_decode_text(data, text, encoding):
    assert decode_text(data) == (text, encoding)


def test_binary_data_is_refused_without_quoting_it():
    with pytest.raises(ExportReadError) as info:
        decode_text(b"\x81\x8d secret", "landing/x.txt")
    assert "landing/x.txt" in str(info.value) and "secret" not in str(info.value)
