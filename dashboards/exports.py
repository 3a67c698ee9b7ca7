"""What leaves the dashboards: CSV bytes of a table, and evidence bundles with a hash manifest.

A bundle is a zip holding the files, ``MANIFEST.sha256`` (``sha256sum -c`` format: one
``<hex>  <name>`` line per file) and nothing else that varies: entries carry a fixed timestamp,
so the same content always gives the same zip and the same hashes. No Streamlit here.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

MANIFEST = "MANIFEST.sha256"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV (UTF-8) of a frame; list columns become ``a;b`` strings and structs JSON."""

    def flat(name: str, dtype: pl.DataType) -> pl.Expr:
        column = pl.col(name)
        if isinstance(dtype, pl.Struct):
            return column.struct.json_encode()
        if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
            return column.list.eval(pl.element().struct.json_encode()).list.join(";")
        if isinstance(dtype, pl.List):
            return column.list.eval(pl.element().cast(pl.Utf8)).list.join(";")
        return column

    return frame.select(flat(n, t) for n, t in frame.schema.items()).write_csv().encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Bundle:
    data: bytes  # the zip
    files: dict[str, str]  # file name -> sha256 of its bytes
    manifest_sha256: str  # sha256 of MANIFEST.sha256 (what the access log records)

    @property
    def sha256(self) -> str:
        return sha256(self.data)


def bundle(files: Mapping[str, bytes]) -> Bundle:
    """Zip ``files`` with a SHA-256 manifest."""
    if MANIFEST in files:
        raise ValueError(f"{MANIFEST} is written by the bundle itself")
    hashes = {name: sha256(content) for name, content in sorted(files.items())}
    manifest = "".join(f"{digest}  {name}\n" for name, digest in hashes.items()).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in [*sorted(files.items()), (MANIFEST, manifest)]:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return Bundle(buffer.getvalue(), hashes, sha256(manifest))


def evidence_bundle(
    thread: pl.DataFrame, attachments: pl.DataFrame, metadata: Mapping[str, object]
) -> Bundle:
    """thread.csv, attachments.csv and metadata.json (who exported what, why, when) + manifest."""
    return bundle({
        "thread.csv": csv_bytes(thread),
        "attachments.csv": csv_bytes(attachments),
        "metadata.json": json.dumps(
            dict(metadata), ensure_ascii=False, indent=2, sort_keys=True, default=str
        ).encode("utf-8"),
    })


def verify(data: bytes) -> dict[str, bool]:
    """file name -> whether its bytes still match the manifest (for tests and recipients)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        lines = archive.read(MANIFEST).decode("utf-8").splitlines()
        expected = dict(reversed(line.split("  ", 1)) for line in lines if line)
        return {name: sha256(archive.read(name)) == digest for name, digest in expected.items()}
