"""A report (title, HTML, CSV tables) and the HTML page around its sections.

Charts are Vega-Lite specs from Altair, drawn in the browser by vega-embed from the jsDelivr
CDN (inlining the libraries needs vl-convert, not installed); every chart has its numbers in a
plain HTML table and a CSV next to it, so the report reads without JavaScript too.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import date, datetime

import altair as alt
import polars as pl

CDN = "https://cdn.jsdelivr.net/npm"
SCRIPTS = (
    f"{CDN}/vega@{alt.VEGA_VERSION}",
    f"{CDN}/vega-lite@{alt.VEGALITE_VERSION}",
    f"{CDN}/vega-embed@{alt.VEGAEMBED_VERSION}",
)
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 68rem; color: #1f2933; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; }
th, td { border: 1px solid #d9e2ec; padding: .25rem .5rem; text-align: right; }
th { background: #f0f4f8; } td.text, th.text { text-align: left; }
.note { color: #52606d; font-size: .85rem; }
"""


@dataclass
class Report:
    """One report: ``kind`` and ``day`` place it (``reports/<kind>/<day>/``); ``tables`` become
    ``<name>.csv`` files; ``html`` is ``report.html``."""

    kind: str
    day: date
    title: str
    html: str
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        files = {"report.html": self.html.encode("utf-8")}
        files.update({f"{name}.csv": csv_bytes(frame) for name, frame in self.tables.items()})
        return files


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV with list columns joined by ``;``."""
    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    flat = frame.with_columns(pl.col(name).list.join(";") for name in lists)
    return flat.write_csv().encode("utf-8")


def _cell(value: object) -> tuple[str, bool]:
    """Display text and whether it is text (left-aligned)."""
    if value is None:
        return "–", False
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip("."), False
    if isinstance(value, int):
        return f"{value:,}", False
    if isinstance(value, list):
        return "; ".join(str(v) for v in value), True
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M"), True
    return str(value), not isinstance(value, date)


def table_html(frame: pl.DataFrame, limit: int | None = None) -> str:
    """An HTML table of ``frame`` (escaped), at most ``limit`` rows."""
    shown = frame.head(limit) if limit is not None else frame
    head = "".join(f"<th>{html.escape(name)}</th>" for name in frame.columns)
    rows = []
    for row in shown.iter_rows():
        cells = []
        for value in row:
            text, is_text = _cell(value)
            css = ' class="text"' if is_text else ""
            cells.append(f"<td{css}>{html.escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    more = ""
    if limit is not None and frame.height > limit:
        more = f'<p class="note">First {limit} of {frame.height} rows; all rows in the CSV.</p>'
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def chart_html(chart: alt.TopLevelMixin, div_id: str) -> str:
    """A div and the vega-embed call that draws ``chart`` into it."""
    spec = json.dumps(chart.to_dict(), separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<div id="{div_id}"></div>'
        f'<script>vegaEmbed("#{div_id}", {spec}, {{"actions": false}});</script>'
    )


def section(title: str, *parts: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{''.join(parts)}</section>"


def note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def page(title: str, subtitle: str, sections: list[str]) -> str:
    scripts = "".join(f'<script src="{src}"></script>' for src in SCRIPTS)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style>{scripts}</head><body>"
        f"<h1>{html.escape(title)}</h1>{note(subtitle)}{''.join(sections)}</body></html>\n"
    )
