"""Which compiled rules a text can possibly match, found by word lookups instead of trying all.

Every token pattern and `near` entry is *gated* on one word set it cannot match without (its
rarest required set: fewest stop words and punctuation, then fewest words). `GateIndex` maps
each gate word to the entries gated on it, so a text only wakes the entries whose gate words it
holds: a few dictionary lookups per token instead of a set test per rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.rules.norms import STOP_WORDS


def commonness(words: Iterable[str]) -> tuple[int, int]:
    """Sort key of a word set as a gate: (stop words and punctuation in it, its size)."""
    words = list(words)
    common = sum(w in STOP_WORDS or not any(c.isalnum() for c in w) for w in words)
    return common, len(words)


class GateIndex:
    """Gate word (hash) -> the entries gated on it; entries without a gate always run."""

    def __init__(self) -> None:
        self._by_word: dict[int, list[int]] = {}
        self._always: list[int] = []

    def add(self, entry: int, gate: Iterable[int] | None) -> None:
        if gate is None:
            self._always.append(entry)
            return
        for word in gate:
            self._by_word.setdefault(word, []).append(entry)

    def candidates(self, words: Iterable[int]) -> list[int]:
        """Entries whose gate shares a word with `words`, in the order they were added."""
        found = set(self._always)
        for word in words:
            entries = self._by_word.get(word)
            if entries:
                found.update(entries)
        return sorted(found)
