"""Order-free proximity rules (`near:` in a rule file): one word of each set within a window.

"juiz" within 8 tokens of "<valor>", whichever comes first, is
`near: [{window: 8, words: [[juiz, juiza], ["<valor>"]]}]`. A text is only looked at when it
holds a word of its rarest set (`gates.GateIndex`) and then of every set (set lookups on the
words the scorer already collected); then the smallest token span holding one word of each set
is found in one pass over the NORMs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.strings import StringStore

from models.rules.gates import GateIndex, commonness


def smallest_cover(positions: Sequence[tuple[int, int]], n_sets: int) -> tuple[int, int] | None:
    """Smallest [first, last] token span holding a position of each of `n_sets` sets.

    `positions` are (token index, set index) pairs sorted by token index.
    """
    counts = [0] * n_sets
    covered = 0
    best: tuple[int, int] | None = None
    left = 0
    for pos, group in positions:
        counts[group] += 1
        if counts[group] == 1:
            covered += 1
        while covered == n_sets:
            first = positions[left][0]
            if best is None or pos - first < best[1] - best[0]:
                best = (first, pos)
            left_group = positions[left][1]
            counts[left_group] -= 1
            if counts[left_group] == 0:
                covered -= 1
            left += 1
    return best


class NearMatcher:
    """The `near` entries of a rule set, as (rule key, window, word-hash sets)."""

    def __init__(self, strings: StringStore):
        self._strings = strings
        self._entries: list[tuple[int, int, list[frozenset[int]]]] = []
        self._gates = GateIndex()

    def add(self, key: int, window: int, sets: Iterable[frozenset[str]]) -> None:
        """Add one entry; its rarest set (see `gates.commonness`) is tested first."""
        sets = list(sets)
        order = sorted(range(len(sets)), key=lambda i: commonness(sets[i]))
        hashed = [frozenset(self._strings.add(w) for w in group) for group in sets]
        self._gates.add(len(self._entries), hashed[order[0]])
        self._entries.append((key, window, [hashed[i] for i in order]))

    def __call__(self, words: set[int], norms: Sequence[int]) -> list[tuple[int, int, int]]:
        """(rule key, start token, end token) matches, like spaCy's Matcher."""
        matches = []
        norm_list: list[int] | None = None
        for entry in self._gates.candidates(words):
            key, window, sets = self._entries[entry]
            if any(words.isdisjoint(group) for group in sets):
                continue
            if norm_list is None:
                norm_list = [int(n) for n in norms]
            positions = [
                (i, g) for i, norm in enumerate(norm_list) for g, group in enumerate(sets)
                if norm in group
            ]  # fmt: skip
            span = smallest_cover(positions, len(sets))
            if span is not None and span[1] - span[0] <= window:
                matches.append((key, span[0], span[1] + 1))
        return matches
