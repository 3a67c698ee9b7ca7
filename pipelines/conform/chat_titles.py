"""The chat's title (the other party's display name) from an export's file or folder name."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_PREFIXES = re.compile(
    r"^(?:Conversa do WhatsApp com|WhatsApp Chat with|WhatsApp Chat -|Chat de WhatsApp con"
    r"|Chat WhatsApp con|WhatsApp-Chat mit|Discussion WhatsApp avec)\s*",
    re.IGNORECASE,
)


def chat_title(relative_path: str) -> str | None:
    """'…/Conversa do WhatsApp com Ana.txt' or '…/WhatsApp Chat - Ana/_chat.txt' -> 'Ana'."""
    path = PurePosixPath(relative_path)
    for candidate in (path.stem, path.parent.name):
        if not _PREFIXES.match(candidate):
            continue
        title = _PREFIXES.sub("", candidate).strip()
        title = re.sub(r"\s*\(\d+\)$", "", title)  # "Ana (2)" from a second download
        return title or None
    return None
