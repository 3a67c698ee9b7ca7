"""Find the files waiting in the landing folder and fingerprint them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

# (kind, folder under landing, globs); call CSVs in calls/<mapping name>/ use that mapping
SOURCES = (
    ("whatsapp", "whatsapp", ("**/*.txt",)),
    ("asterisk_cdr", "calls", ("**/*.csv",)),
    ("cloud_api", "cloud_api", ("**/*.json", "**/*.jsonl")),
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


def source_paths(landing_dir: Path) -> list[tuple[str, Path]]:
    """``(kind, path)`` of every source file under ``landing_dir``, in a stable order."""
    found: list[tuple[str, Path]] = []
    for kind, folder, patterns in SOURCES:
        root = landing_dir / folder
        if not root.is_dir():
            continue
        paths = {path for pattern in patterns for path in root.glob(pattern)}
        found.extend(
            (kind, path)
            for path in sorted(paths)
            if path.is_file() and not path.name.startswith(".")
        )
    return found


def discover(landing_dir: Path) -> list[LandingFile]:
    """Every source file under ``landing_dir`` with its sha256, in a stable order."""
    return [
        LandingFile(path, path.relative_to(landing_dir).as_posix(), kind, file_sha256(path))
        for kind, path in source_paths(landing_dir)
    ]


def landing_fingerprint(landing_dir: Path) -> tuple[str, int]:
    """A digest of every source file's path, size and modification time, and the file count.

    Cheap (no file is read): it changes whenever a file is added, replaced or touched.
    """
    digest = hashlib.sha256()
    count = 0
    for kind, path in source_paths(landing_dir):
        try:
            stat = path.stat()
        except OSError:
            continue
        relative = path.relative_to(landing_dir).as_posix()
        digest.update(f"{kind}\x1f{relative}\x1f{stat.st_size}\x1f{stat.st_mtime_ns}\n".encode())
        count += 1
    return digest.hexdigest(), count
