"""Whole-column pass of the WhatsApp export parser (polars): headers, stamps, senders and bodies.

Every line is matched against the layout's header pattern at once (polars regex on a column),
and for each record the stamp, sender and body are cut with column expressions. What the column
pass cannot decide exactly is left to the per-record Python code of ``whatsapp_export``:
system lines (no sender), ``: `` inside a quoted group subject, invalid dates or times, digits
other than ASCII, and bodies starting with U+200E (iOS system events). Bodies that the media /
deleted / edited screen flags get ``classify_message``. The result equals the per-record code's
(a test compares both on every fixture and on generated exports).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

import polars as pl

from pipelines.ingest.whatsapp_layouts import INVISIBLE, Family
from pipelines.ingest.whatsapp_media import (
    classify_message,
    python_whitespace,
    special_screen,
)

_INVISIBLE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in INVISIBLE) + "]"
_QUOTES = ['"', "'", "\u201c", "\u201d", "\u00ab"]  # as _QUOTE in whatsapp_export
_EPOCH = date(1970, 1, 1).toordinal()
_US = 1_000_000

MESSAGE_SCHEMA = {
    "line_number": pl.Int64,
    "line_count": pl.Int64,
    "raw": pl.String,
    "timestamp": pl.Datetime("us"),
    "sender": pl.String,
    "body": pl.String,
    "kind": pl.String,
    "media_kind": pl.String,
    "attachment_name": pl.String,
    "is_deleted": pl.Boolean,
    "is_edited": pl.Boolean,
    "message_type": pl.String,
    "system_event": pl.String,
    "timestamp_text": pl.String,
}
_BODY_INFO = ("message_type", "body", "media_kind", "attachment_name", "is_deleted", "is_edited")


@cache
def _header_patterns(family: Family) -> tuple[str, str]:
    """(ASCII digits, whole match in group 1; Unicode digits) polars forms of the header pattern.

    The Rust regex engine follows the same leftmost-first rules as ``re``, so with ASCII digits
    both find the same header. Its Unicode ``\\d`` holds every digit ``re`` knows (and newer
    ones): lines only that form matches are decided by ``re`` itself.
    """
    source = family.pattern().pattern
    return "^(" + source.replace(r"\d", "[0-9]") + ")", "^(?:" + source + ")"


@dataclass
class Headers:
    lines: pl.Series  # every physical line
    heads: pl.DataFrame  # header lines: i (0-based line), head, python, stamp, date, time


def find_headers(lines: list[str], family: Family) -> Headers:
    """Header lines of ``lines`` with their stamp, date and time text as written."""
    column = pl.Series("line", lines, dtype=pl.String)
    ascii_re, unicode_re = _header_patterns(family)
    head = column.str.extract(ascii_re, 1).alias("head")
    unsure = column.str.contains(unicode_re) & head.is_null()
    python = pl.Series("python", [False] * len(lines)) if unsure.any() else None
    if python is not None:
        pattern = family.pattern()
        found = [(k, m.group(0)) for k in unsure.arg_true() if (m := pattern.match(lines[k]))]
        if found:
            index = [k for k, _ in found]
            head = head.scatter(index, [g for _, g in found])
            python = python.scatter(index, True)
    frame = (
        pl.DataFrame([head])
        .with_row_index("i")
        .with_columns(
            pl.col("i").cast(pl.Int64),
            python=python if python is not None else pl.lit(False),
        )
    )
    heads = frame.filter(pl.col("head").is_not_null())
    core = pl.col("head").str.strip_chars_start(INVISIBLE)
    opening, closing = (1, 2) if family.bracket else (0, 3)  # "[" ... "] " or " - "
    stamp = core.str.slice(opening, core.str.len_chars() - opening - closing)
    heads = heads.with_columns(stamp=stamp).with_columns(
        date=pl.col("stamp").str.extract("^([^, \u00a0\u202f]+)", 1)
    )
    gap = 2 if family.comma else 1  # "," and/or one space between date and time
    heads = heads.with_columns(time=pl.col("stamp").str.slice(pl.col("date").str.len_chars() + gap))
    return Headers(column, heads)


def _mapped(column: str, table: dict[str, int | None]) -> pl.Expr:
    return pl.col(column).replace_strict(
        list(table), list(table.values()), default=None, return_dtype=pl.Int64
    )


def columnar_records(
    found: Headers,
    family: Family,
    ymd: Callable[[str], tuple[int, int, int] | None],
    hms: Callable[[str], tuple[int, int, int] | None],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(messages decided by the column pass, in MESSAGE_SCHEMA; header rows ``i``, ``j`` left to
    the per-record code). ``ymd`` / ``hms`` read a date / time text (None when invalid)."""
    lines, heads = found.lines, found.heads
    days = {}
    for text in heads.get_column("date").unique().to_list():
        fields = ymd(text)
        days[text] = None if fields is None else date(*fields).toordinal() - _EPOCH
    seconds = {}
    for text in heads.get_column("time").unique().to_list():
        fields = hms(text)
        seconds[text] = None if fields is None else fields[0] * 3600 + fields[1] * 60 + fields[2]
    heads = heads.with_columns(
        j=pl.col("i").shift(-1, fill_value=lines.len()),
        line=lines.gather(heads.get_column("i")),
        at_us=(_mapped("date", days) * 86_400 + _mapped("time", seconds)) * _US,
    )
    heads = _join_continuations(heads, lines)
    multi = pl.col("cont").is_not_null()
    rest = pl.col("line").str.slice(pl.col("head").str.len_chars())
    heads = (
        heads.with_columns(rest=rest)
        .with_columns(split=pl.col("rest").str.splitn(": ", 2))
        .with_columns(
            prefix=pl.col("split").struct.field("field_0"),
            after=pl.col("split").struct.field("field_1"),
        )
    )
    with_colon = pl.col("after").is_not_null() & (pl.col("prefix") != "")
    trailing_colon = (
        pl.col("after").is_null()
        & pl.col("rest").str.ends_with(":")
        & (pl.col("rest").str.count_matches(":", literal=True) == 1)
    )
    sender = (
        pl.when(with_colon)
        .then(pl.col("prefix"))
        .when(trailing_colon)
        .then(pl.col("rest").str.slice(0, pl.col("rest").str.len_chars() - 1))
        .str.replace_all(_INVISIBLE_CLASS, "")
        .str.strip_chars(python_whitespace())
    )
    continuation = pl.lit("\n") + pl.col("cont")
    body_raw = (
        pl.when(with_colon)
        .then(pl.when(multi).then(pl.col("after") + continuation).otherwise(pl.col("after")))
        .otherwise(pl.col("cont").fill_null(""))
    )
    heads = heads.select(
        "i",
        "j",
        "stamp",
        "at_us",
        sender=sender,
        body_raw=body_raw,
        raw=pl.when(multi).then(pl.col("line") + continuation).otherwise(pl.col("line")),
        quoted=with_colon & pl.col("prefix").str.contains_any(_QUOTES),
        python=pl.col("python"),
    ).with_columns(sender=pl.when(pl.col("sender") != "").then(pl.col("sender")))
    to_python = (
        pl.col("python")
        | pl.col("at_us").is_null()
        | pl.col("sender").is_null()
        | pl.col("quoted")
        | pl.col("body_raw").str.starts_with("\u200e")
    )
    heads = heads.with_columns(to_python=to_python)
    left = heads.filter(pl.col("to_python")).select("i", "j")
    fast = heads.filter(~pl.col("to_python")).select(
        "i",
        "j",
        "stamp",
        "at_us",
        "sender",
        "raw",
        body=pl.col("body_raw").str.replace_all(_INVISIBLE_CLASS, ""),
    )
    fast = fast.with_columns(special=special_screen(pl.col("body")))
    plain = fast.filter(~pl.col("special")).with_columns(
        message_type=pl.lit("text"),
        media_kind=pl.lit(None, pl.String),
        attachment_name=pl.lit(None, pl.String),
        is_deleted=pl.lit(False),
        is_edited=pl.lit(False),
    )
    special = fast.filter(pl.col("special"))
    messages = pl.concat([_message_columns(plain), _message_columns(_classified(special))])
    return messages.sort("line_number"), left


def _classified(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with ``classify_message`` of their body (once per distinct body: "<Mídia oculta>"
    and "Esta mensagem foi apagada" repeat) in the body-info columns."""
    bodies = rows.get_column("body").unique(maintain_order=True)
    infos = [classify_message(body) for body in bodies.to_list()]
    info = pl.DataFrame(
        [list(column) for column in zip(*infos, strict=True)] if infos else None,
        schema={name: MESSAGE_SCHEMA[name] for name in _BODY_INFO},
        orient="col",
    ).with_columns(key=bodies)
    joined = rows.join(info, left_on="body", right_on="key", how="left", maintain_order="left")
    return joined.drop("body").rename({"body_right": "body"})


def _join_continuations(heads: pl.DataFrame, lines: pl.Series) -> pl.DataFrame:
    """Add ``cont``: the continuation lines of a multi-line record joined with "\\n" (else null)."""
    multi = heads.filter(pl.col("j") - pl.col("i") > 1).select("i", "j")
    if multi.is_empty():
        return heads.with_columns(cont=pl.lit(None, pl.String))
    index = multi.select("i", k=pl.int_ranges(pl.col("i") + 1, pl.col("j"))).explode("k")
    conts = (
        index.with_columns(text=lines.gather(index.get_column("k")))
        .group_by("i", maintain_order=True)
        .agg(cont=pl.col("text").str.join("\n"))
    )
    return heads.join(conts, on="i", how="left", maintain_order="left")


def _message_columns(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(
        line_number=pl.col("i") + 1,
        line_count=pl.col("j") - pl.col("i"),
        raw=pl.col("raw"),
        timestamp=pl.col("at_us").cast(pl.Datetime("us")),
        sender=pl.col("sender"),
        body=pl.col("body"),
        kind=pl.lit("message"),
        media_kind=pl.col("media_kind"),
        attachment_name=pl.col("attachment_name"),
        is_deleted=pl.col("is_deleted"),
        is_edited=pl.col("is_edited"),
        message_type=pl.col("message_type"),
        system_event=pl.lit(None, pl.String),
        timestamp_text=pl.col("stamp"),
    ).cast(MESSAGE_SCHEMA)
