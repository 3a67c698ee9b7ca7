"""The record every parser returns for input it cannot parse: kept, never dropped."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QuarantinedRecord:
    line_number: int  # 1-based physical line where the record starts
    line_count: int  # physical lines it covers
    raw: str  # exactly as in the file (lines joined with "\n")
    reason: str  # names line and field, never content: "line 3: text before the first ..."


def line_span(line_number: int, line_count: int) -> str:
    """``line 3`` or ``lines 3-5`` for reasons."""
    if line_count <= 1:
        return f"line {line_number}"
    return f"lines {line_number}-{line_number + line_count - 1}"
