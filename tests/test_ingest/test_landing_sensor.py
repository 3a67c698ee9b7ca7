"""The landing sensor requests one ingest run per new landing state and moves its cursor."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.ingestion.sensors import landing_files
from pipelines.defs.resources import FirmResource
from pipelines.ingest.landing import landing_fingerprint


def _tick(landing: Path, cursor: str | None):
    context = dg.build_sensor_context(
        cursor=cursor, resources={"firm": FirmResource(landing_dir=str(landing))}
    )
    return landing_files(context)


def _write(path: Path, text: str = "27/10/2026 09:16 - Ana: oi\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_files_no_run(tmp_path):
    (tmp_path / "whatsapp").mkdir()
    _write(tmp_path / "whatsapp" / "notes.md")  # not a source file
    result = _tick(tmp_path, None)
    assert isinstance(result, dg.SkipReason)


def test_new_files_request_one_run_and_set_the_cursor(tmp_path):
    _write(tmp_path / "whatsapp" / "E001" / "chat.txt")
    _write(tmp_path / "calls" / "Master.csv", "x\n")
    result = _tick(tmp_path, None)
    assert isinstance(result, dg.SensorResult)
    (request,) = result.run_requests
    fingerprint, count = landing_fingerprint(tmp_path)
    assert (result.cursor, request.run_key, count) == (fingerprint, fingerprint, 2)
    assert request.tags["vigia/landing_files"] == "2"
    # same state, same cursor: nothing to do
    assert isinstance(_tick(tmp_path, result.cursor), dg.SkipReason)


@pytest.mark.parametrize(
    "change",
    [
        lambda root: _write(root / "cloud_api" / "day.jsonl", "{}\n"),  # a new file
        lambda root: _write(root / "calls" / "freeswitch_cdr_csv" / "a.csv", "y\n"),
        lambda root: _write(root / "whatsapp" / "E001" / "chat.txt", "longer text\n" * 3),
        lambda root: os.utime(root / "whatsapp" / "E001" / "chat.txt", ns=(1, 1)),  # touched
    ],
)
def test_a_new_or_changed_file_requests_a_new_run(tmp_path, change):
    _write(tmp_path / "whatsapp" / "E001" / "chat.txt")
    first = _tick(tmp_path, None)
    change(tmp_path)
    second = _tick(tmp_path, first.cursor)
    assert isinstance(second, dg.SensorResult)
    assert second.cursor != first.cursor
    assert second.run_requests[0].run_key == second.cursor


def test_ignored_files_do_not_trigger(tmp_path):
    _write(tmp_path / "whatsapp" / "E001" / "chat.txt")
    first = _tick(tmp_path, None)
    _write(tmp_path / "whatsapp" / "E001" / ".hidden.txt")
    _write(tmp_path / "reference" / "employees.csv", "employee_id\n")
    assert isinstance(_tick(tmp_path, first.cursor), dg.SkipReason)


def test_the_sensor_targets_the_ingest_job():
    assert landing_files.job_name == "ingest_landing"
