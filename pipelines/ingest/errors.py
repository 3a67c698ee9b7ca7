"""Errors raised while reading landing files.

Messages name the file and say what to do; they never quote file content (it is personal data).
"""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """Base class for ingestion errors."""


class ExportReadError(IngestError):
    """A landing file could not be read or decoded as text (the parsers never raise on content)."""

    def __init__(self, path: Path | str, problem: str, action: str) -> None:
        self.path = Path(path)
        self.problem = problem
        self.action = action
        super().__init__(f"{self.path}: {problem}. {action}")
