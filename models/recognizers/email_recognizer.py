"""E-mail addresses (ASCII local part and domain, a letters-only top-level domain)."""

from __future__ import annotations

from typing import ClassVar

from models.recognizers.base import Recognizer

_MAX_LENGTH = 254


class EmailRecognizer(Recognizer):
    ENTITY = "EMAIL"
    BATCH_PREFILTER: ClassVar[str | None] = "@"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        (
            "email",
            r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}(?![\w-])",
            0.9,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = ["email", "e-mail", "mail", "correio", "endereco eletronico"]

    def prefilter(self, text: str) -> bool:
        return "@" in text

    def validate(self, match_text: str) -> bool:
        local, _, domain = match_text.rpartition("@")
        if len(match_text) > _MAX_LENGTH or len(local) > 64:
            return False
        if local.startswith(".") or local.endswith(".") or ".." in local:
            return False
        return all(label and label[0] != "-" and label[-1] != "-" for label in domain.split("."))
