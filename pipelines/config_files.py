"""Read one YAML settings file under config/ with errors that say which file, which line and
what to do (shared by the calendar, detection and security-rules settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_config_file(
    path: Path, error: type[Exception], what: str, default: Path, variable: str
) -> Any:
    """The parsed YAML of ``path``; ``error`` names the file (and line) when it is missing or
    not valid YAML, pointing at ``default`` and the environment ``variable`` that selects it."""
    if not path.is_file():
        raise error(f"{what} {path} not found: create it from {default} or set {variable}")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}:" if mark else ""
        raise error(f"{path}:{line} not valid YAML: fix the syntax") from None
