"""Find the files waiting in the landing folder and fingerprint them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

# (kind, folder under landing, glob)
SOURCES = (
    ("whatsapp", "whatsapp", "**/*.txt"),
    ("asterisk_cdr", "calls", "**/*.csv"),
)


@dataclass(frozen=True)
class LandingFile:
    path: Path
    relative: str  # path relative to the landing folder, "/"-separated
    kind: str
    sha256: str

    @property
    def owner_folder(self) -> str | None:
        """First folder below the source folder (for WhatsApp: the exporting employee's id)."""
        parts = self.relative.split("/")
        return parts[1] if len(parts) > 2 else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(landing_dir: Path) -> list[LandingFile]:
    """Every source file under ``landing_dir``, in a stable order."""
    found: list[LandingFile] = []
    for kind, folder, pattern in SOURCES:
        root = landing_dir / folder
        if not root.is_dir():
            continue
        for path in sorted(root.glob(pattern)):
            if path.is_file() and not path.name.startswith("."):
                relative = path.relative_to(landing_dir).as_posix()
                found.append(LandingFile(path, relative, kind, file_sha256(path)))
    return found
