"""Stable record identifiers derived with the secret key, so they reveal nothing about content."""

from __future__ import annotations

import hashlib
import hmac


def keyed_id(key: bytes, prefix: str, *parts: object) -> str:
    """``prefix`` + 16 hex chars of HMAC-SHA256 over the parts (joined by a unit separator)."""
    message = "\x1f".join(str(part) for part in parts).encode("utf-8")
    return f"{prefix}-{hmac.new(key, message, hashlib.sha256).hexdigest()[:16]}"
