"""Reading landing text files: byte decoding and physical line splitting shared by the parsers."""

from __future__ import annotations

import codecs
from pathlib import Path

from pipelines.ingest.errors import ExportReadError

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Tries UTF-8 (a BOM is dropped), then UTF-16 when the data starts with a UTF-16 BOM, then
    Windows-1252. Raises :class:`ExportReadError` when none of them applies (a binary file).
    """
    try:
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        pass
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise ExportReadError(
            path,
            "not a text file in UTF-8, UTF-16 or Windows-1252",
            "Check that this is the .txt/.csv file itself and not an archive; export it again",
        ) from None


def read_text(path: Path) -> tuple[str, str]:
    """Read and decode a landing file; OS errors become :class:`ExportReadError`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ExportReadError(
            path,
            f"cannot be read ({type(exc).__name__})",
            "Check that the file exists and that this process may read it",
        ) from None
    return decode_text(data, path)


def physical_lines(text: str) -> list[str]:
    """Split on CRLF, LF or CR only (unlike ``str.splitlines``); a final terminator adds no line."""
    if not text:
        return []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines
