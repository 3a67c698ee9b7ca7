"""A private copy of the small generated firm for tests that delete or append rows, with an
access file of their own (VIGIA_ACCESS_FILE) and LAKEHOUSE_URI pointing at the copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_analytics.small_firm import TEST_KEY, small_firm

ACCESS = """
min_reason_chars: 15
roles:
  dpo: {legal_hold: true, reidentify: true}
  compliance: {legal_hold: true, reidentify: true}
  manager: {view_aggregates: true}
users:
  dpo.test: dpo
  compliance.test: compliance
  manager.test: manager
"""
REASON = "Processo 0001234-56.2025.5.02.0001"


def firm_copy(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Copy of the firm (landing/, lakehouse/, ground_truth/) with the environment set to it."""
    source = small_firm(tmp_path_factory)
    root = tmp_path / "firm"
    shutil.copytree(source, root)
    access = tmp_path / "access.yaml"
    access.write_text(ACCESS, encoding="utf-8")
    monkeypatch.setenv("VIGIA_ACCESS_FILE", str(access))
    monkeypatch.setenv("LAKEHOUSE_URI", str(root / "lakehouse"))
    monkeypatch.setenv("VIGIA_LANDING_DIR", str(root / "landing"))
    monkeypatch.setenv("VIGIA_KEY", TEST_KEY)
    monkeypatch.setenv("VIGIA_GOVERNANCE_FILE", str(Path("config/governance.yaml").resolve()))
    return root
