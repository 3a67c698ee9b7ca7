"""A small generated firm run through the whole pipeline, built once per test session (kept in
pytest's base temp folder), for the report, job and notebook tests.

Ten days ending Monday 2025-11-24: two ISO weeks, the Saturday 2025-11-15 and Thursday 2025-11-20
national holidays, weekends. ``identifiers`` lists the generated people's names, phones, e-mails
and CPFs, to prove that none of them reaches a report.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.definitions import build_defs
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.synthetic.law_firm import generate

TEST_KEY = "6b" * 32  # test-only pseudonym key (hex)
END = date(2025, 11, 24)


def small_firm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The firm's folder (landing/, ground_truth/, lakehouse/), built on first use."""
    root = tmp_path_factory.getbasetemp() / "vigia_small_firm"
    if (root / "built").exists():
        return root
    generate(root, days=10, employees=6, clients=40, seed=11, end=END)
    settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_KEY", TEST_KEY)
        patch.setenv("VIGIA_VAULT_KEY_FILE", str(root / "vault.key"))
        patch.delenv("DAGSTER_HOME", raising=False)
        patch.delenv("VIGIA_CALENDAR_FILE", raising=False)
        summary = run_pipeline(build_defs(settings), settings.lakehouse_uri)
    assert summary.success, summary.failed_checks + summary.failed_steps
    (root / "built").touch()
    return root


def identifiers(root: Path) -> list[str]:
    """Lowercased full names, phones (as written, E.164, national), e-mails and CPFs."""
    people = pl.read_csv(root / "ground_truth" / "people.csv", infer_schema=False)
    found: set[str] = set()
    for row in people.iter_rows(named=True):
        for column in ("name", "phone_e164", "phone_as_written", "email"):
            value = (row.get(column) or "").strip()
            if value:
                found.add(value.lower())
        if row.get("phone_e164"):
            found.add(row["phone_e164"].lstrip("+"))
            found.add(row["phone_e164"][3:])
        cpf = (row.get("cpf") or "").strip()
        if cpf:
            digits = re.sub(r"\D", "", cpf)
            found.update({cpf, digits})
    return sorted(v for v in found if len(v) >= 8)


def leaks(text: str, values: list[str]) -> list[str]:
    lowered = text.lower()
    return [value for value in values if value in lowered]
