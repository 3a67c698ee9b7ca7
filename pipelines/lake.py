"""Where tables live and how they are read and written (a local folder or s3://).

Tables are named ``<layer>.<name>`` and stored at ``<LAKEHOUSE_URI>/<layer>/<name>``.
Analysts use :func:`read_table` / :func:`scan_table`; assets use the write helpers, which
replace exactly the partitions they are given so that re-running a partition is idempotent.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Mapping
from pathlib import Path

import polars as pl
from deltalake import DeltaTable
from deltalake.exceptions import CommitFailedError, TableNotFoundError

from pipelines.settings import Settings

LAYERS = ("bronze", "silver", "gold", "audit", "vault")
APPEND_ATTEMPTS = 5
_S3_ENV = (
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ALLOW_HTTP",
)


class LakeError(Exception):
    """A table is missing or named wrongly; the message says what to do."""


def table_uri(name: str, base: str | None = None) -> str:
    layer, _, table = name.partition(".")
    if layer not in LAYERS or not table or "/" in table:
        raise LakeError(
            f"table name {name!r} must be '<layer>.<name>' with layer one of {', '.join(LAYERS)}"
        )
    root = base if base is not None else Settings.from_env().lakehouse_uri
    if not _is_remote(root):
        root = str(Path(root).resolve())
    return f"{root.rstrip('/')}/{layer}/{table}"


def storage_options(uri: str, env: Mapping[str, str] = os.environ) -> dict[str, str] | None:
    """Object-store options for s3:// URIs, taken from the standard AWS_* variables."""
    if not uri.startswith("s3://"):
        return None
    options = {key: env[key] for key in _S3_ENV if env.get(key)}
    endpoint = options.get("AWS_ENDPOINT_URL", "")
    if endpoint.startswith("http://"):
        options.setdefault("AWS_ALLOW_HTTP", "true")
    return options


def table_exists(name: str, base: str | None = None) -> bool:
    uri = table_uri(name, base)
    return DeltaTable.is_deltatable(uri, storage_options=storage_options(uri))


def delta_table(name: str, base: str | None = None) -> DeltaTable:
    uri = table_uri(name, base)
    try:
        return DeltaTable(uri, storage_options=storage_options(uri))
    except TableNotFoundError as exc:
        raise _missing(name) from exc


def scan_table(name: str, base: str | None = None) -> pl.LazyFrame:
    """A lazy scan of a table: filter and select before ``collect()`` to read only what you need."""
    uri = table_uri(name, base)
    if not table_exists(name, base):
        raise _missing(name)
    return pl.scan_delta(uri, storage_options=storage_options(uri))


def read_version(name: str, version: int, base: str | None = None) -> pl.DataFrame | None:
    """The whole table as of Delta ``version``; None when that version is gone (vacuumed) or
    the table does not exist (sensors comparing two versions decide what that means)."""
    try:
        table = delta_table(name, base)
        table.load_as_version(version)
        return pl.read_delta(table)
    except Exception:  # noqa: BLE001 - deltalake raises several kinds for a missing version
        return None


def read_table(
    name: str, base: str | None = None, columns: list[str] | None = None
) -> pl.DataFrame:
    """Read a whole table as a polars DataFrame, e.g. ``read_table("gold.contact_timing")``."""
    frame = scan_table(name, base)
    return (frame.select(columns) if columns else frame).collect()


def append(
    df: pl.DataFrame, name: str, *, partition_by: list[str] | None = None, base: str | None = None
) -> int:
    """Append rows (bronze is append-only); creates the table, even empty. Returns rows written.

    A commit that loses the race to other writers more often than deltalake's own retries allow
    raises CommitFailedError with nothing committed; an append cannot conflict with anything,
    so it is tried again (the data files of the failed attempt are left for vacuum).
    """
    uri = table_uri(name, base)
    if df.is_empty() and table_exists(name, base):
        return 0
    for attempt in range(1, APPEND_ATTEMPTS + 1):
        try:
            df.write_delta(
                uri,
                mode="append",
                storage_options=storage_options(uri),
                delta_write_options={"partition_by": partition_by} if partition_by else None,
            )
            return df.height
        except CommitFailedError:
            if attempt == APPEND_ATTEMPTS:
                raise
            time.sleep(random.uniform(0.05, 0.2) * attempt)
    raise AssertionError("unreachable")


def replace_where(
    df: pl.DataFrame,
    name: str,
    predicate: str,
    *,
    partition_by: list[str] | None = None,
    base: str | None = None,
) -> int:
    """Replace exactly the rows matching ``predicate`` with ``df`` (idempotent partition rewrite).

    ``df`` must only hold rows inside the predicate. On a new table the frame is simply written.
    """
    uri = table_uri(name, base)
    options = storage_options(uri)
    write_options: dict = {"partition_by": partition_by} if partition_by else {}
    if table_exists(name, base):
        write_options["predicate"] = predicate
    elif df.is_empty():
        df.head(0).write_delta(
            uri, mode="append", storage_options=options, delta_write_options=write_options or None
        )
        return 0
    df.write_delta(
        uri, mode="overwrite", storage_options=options, delta_write_options=write_options or None
    )
    return df.height


def overwrite(df: pl.DataFrame, name: str, *, base: str | None = None) -> int:
    """Replace a small, fully recomputed table (reference data, participants)."""
    uri = table_uri(name, base)
    df.write_delta(
        uri,
        mode="overwrite",
        storage_options=storage_options(uri),
        delta_write_options={"schema_mode": "overwrite"},
    )
    return df.height


def _is_remote(uri: str) -> bool:
    return "://" in uri


def _missing(name: str) -> LakeError:
    return LakeError(
        f"table {name} does not exist yet under LAKEHOUSE_URI; run `vigia demo --no-serve` "
        "or materialize its asset in Dagster first"
    )
