"""A whole pipeline run, logging at DEBUG everywhere, leaves no personal data in any log.

Checked: every record reaching the root and the dagster loggers (message and arguments,
formatted, with exception text), and every file Dagster wrote under DAGSTER_HOME (its event
log, run storage and captured compute logs), against the generated people's phones, CPFs,
e-mails and names and the text of every message.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.definitions import build_defs
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.synthetic.law_firm import generate

TEST_KEY = "7c" * 32


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _secrets(root: Path, base: str) -> list[str]:
    people = pl.read_csv(root / "ground_truth" / "people.csv", infer_schema=False)
    found: set[str] = set()
    for row in people.iter_rows(named=True):
        for column in ("name", "phone_e164", "phone_as_written", "email"):
            value = (row.get(column) or "").strip()
            if value:
                found.add(value)
        if row.get("phone_e164"):
            found.add(row["phone_e164"][3:])  # national digits
        if row.get("cpf"):
            digits = re.sub(r"\D", "", row["cpf"])
            found.update({digits, f"{digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:]}"})
    bodies = lake.read_table("bronze.whatsapp_messages", base)["body"].drop_nulls()
    found.update(b for b in bodies.to_list() if len(b) >= 24)  # long enough to be one message
    return sorted(v.lower() for v in found if len(v) >= 8)


@pytest.fixture(scope="module")
def run_logs(tmp_path_factory):
    root = tmp_path_factory.mktemp("firm")
    generate(root, days=4, employees=5, clients=30, seed=19, end=date(2026, 10, 30))
    settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
    home = root / "dagster_home"
    home.mkdir()
    handler = _Collect()
    loggers = [logging.getLogger(), logging.getLogger("dagster")]
    levels = [lg.level for lg in loggers]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_KEY", TEST_KEY)
        patch.setenv("DAGSTER_HOME", str(home))
        for lg in loggers:
            lg.addHandler(handler)
            lg.setLevel(logging.DEBUG)
        try:
            result = run_pipeline(build_defs(settings), settings.lakehouse_uri)
        finally:
            for lg, level in zip(loggers, levels, strict=True):
                lg.removeHandler(handler)
                lg.setLevel(level)
    dagster_files = {
        str(p.relative_to(home)): p.read_bytes().decode("utf-8", "ignore").lower()
        for p in home.rglob("*")
        if p.is_file()
    }
    return {
        "result": result,
        "records": [line.lower() for line in handler.lines],
        "dagster_files": dagster_files,
        "secrets": _secrets(root, settings.lakehouse_uri),
    }


def test_the_run_logged_something_and_succeeded(run_logs):
    assert run_logs["result"].success
    assert len(run_logs["records"]) > 10  # DEBUG capture works: the scan below means something
    events = "".join(run_logs["dagster_files"].values())
    assert "daily_pipeline" in events  # the run's event log is among the files scanned
    assert len(run_logs["secrets"]) > 50


def test_no_log_record_holds_personal_data(run_logs):
    leaks = [
        (i, s)
        for i, line in enumerate(run_logs["records"])
        for s in run_logs["secrets"]
        if s in line
    ]
    assert leaks == [], f"{len(leaks)} log records hold personal data (record numbers only)"


def test_no_dagster_log_or_storage_file_holds_personal_data(run_logs):
    leaks = sorted(
        name
        for name, text in run_logs["dagster_files"].items()
        if any(s in text for s in run_logs["secrets"])
    )
    assert leaks == []
