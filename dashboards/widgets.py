"""Presentation helpers shared by pages: a table with its CSV download (logged), access errors.

No reads here: pages pass frames they got from :mod:`dashboards.data` / :mod:`dashboards.records`.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import streamlit as st

from dashboards import audit, data
from dashboards.roles import Viewer
from pipelines.governance.access_log import EXPORT, describe


def _tokens(frame: pl.DataFrame) -> list[str]:
    columns = [c for c in frame.columns if c.endswith("_token") or c == "token"]
    if not columns or frame.is_empty():
        return []
    values = frame.select(pl.concat_list(pl.col(columns).cast(pl.Utf8)).explode()).to_series()
    return values.drop_nulls().unique().to_list()


def _log_export(
    viewer: Viewer, file_name: str, source: str, filters: Mapping[str, object] | None,
    tokens: list[str], rows: int,
) -> None:
    audit.write(viewer, EXPORT, describe(source, filters, tokens, file=file_name, rows=rows))


def download(
    viewer: Viewer, frame: pl.DataFrame, *, key: str, file_name: str, source: str,
    filters: Mapping[str, object] | None = None, label: str = "Download CSV",
) -> None:
    """A CSV download button; the click is appended to audit.access_log (file, rows, tokens)."""
    st.download_button(
        label, data.to_csv(frame), file_name=file_name, mime="text/csv", key=key,
        on_click=_log_export,
        args=(viewer, file_name, source, dict(filters or {}), _tokens(frame), frame.height),
    )


def table(
    viewer: Viewer, frame: pl.DataFrame, *, key: str, file_name: str, source: str,
    filters: Mapping[str, object] | None = None, column_config: dict | None = None,
) -> None:
    """A table and, under it, its CSV download."""
    st.dataframe(frame, hide_index=True, column_config=column_config)
    download(viewer, frame, key=key, file_name=file_name, source=source, filters=filters)


SHARE = st.column_config.NumberColumn(format="percent")
