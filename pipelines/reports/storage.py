"""Where reports are written: ``<root>/<kind>/<date>/`` through fsspec (local folder or S3).

The root is the ``reports`` folder next to a local lakehouse (``./lakehouse`` ->
``./reports``), or the lakehouse's own ``reports/`` prefix when LAKEHOUSE_URI is ``s3://``
(s3fs, credentials and endpoint from the same AWS_* variables the Delta tables use).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import fsspec

from pipelines.lake import storage_options
from pipelines.reports.page import Report


def reports_root(lakehouse_uri: str) -> str:
    """``s3://b/p`` -> ``s3://b/p/reports``; a local ``dir/lakehouse`` -> ``dir/reports``."""
    if "://" in lakehouse_uri:
        return f"{lakehouse_uri.rstrip('/')}/reports"
    return str(Path(lakehouse_uri).resolve().parent / "reports")


def s3fs_options(uri: str, env: Mapping[str, str] = os.environ) -> dict:
    """s3fs keyword arguments from the AWS_* variables (the Delta options, renamed)."""
    options = storage_options(uri, env) or {}
    kwargs: dict = {}
    for name, key in (
        ("AWS_ACCESS_KEY_ID", "key"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_SESSION_TOKEN", "token"),
        ("AWS_ENDPOINT_URL", "endpoint_url"),
    ):
        if options.get(name):
            kwargs[key] = options[name]
    if options.get("AWS_REGION"):
        kwargs["client_kwargs"] = {"region_name": options["AWS_REGION"]}
    return kwargs


def _filesystem(root: str, env: Mapping[str, str]) -> fsspec.AbstractFileSystem:
    if root.startswith("s3://"):
        return fsspec.filesystem("s3", **s3fs_options(root, env))
    return fsspec.filesystem("file")


def report_dir(root: str, report: Report) -> str:
    return f"{root.rstrip('/')}/{report.kind}/{report.day.isoformat()}"


def write_report(report: Report, root: str, env: Mapping[str, str] = os.environ) -> list[str]:
    """Write the report's files (replacing a previous run's) and return their locations."""
    fs = _filesystem(root, env)
    folder = report_dir(root, report)
    if not root.startswith("s3://"):
        fs.makedirs(folder, exist_ok=True)
    written = []
    for name, data in report.files().items():
        path = f"{folder}/{name}"
        with fs.open(path, "wb") as handle:
            handle.write(data)
        written.append(path)
    return written
