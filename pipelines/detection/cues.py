"""Acceptance and refusal cues in a reply ("combinado", "de jeito nenhum"), matched folded.

Text and cues are folded the same way (lowercase, accents stripped, anything but letters and
digits as one space), and a cue matches whole words only. A cue found inside a longer cue of
either kind is dropped, so "não tem problema" is acceptance, not the refusal "não".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold_words(text: str) -> str:
    """Lowercase, accents stripped, punctuation and spacing as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare).strip()


@dataclass(frozen=True)
class CueVerdict:
    kind: str  # "acceptance" | "refusal" | "mixed"
    weight: float  # of the deciding cue (0 for mixed)
    cues: tuple[str, ...]  # the cues found, folded


class CueMatcher:
    """Finds the acceptance and refusal cues of a reply and says which one wins."""

    def __init__(self, acceptance: Mapping[str, float], refusal: Mapping[str, float]):
        cues: dict[str, tuple[str, float]] = {}
        for kind, table in (("acceptance", acceptance), ("refusal", refusal)):
            for phrase, weight in table.items():
                folded = fold_words(phrase)
                if folded and weight > cues.get(folded, ("", -1.0))[1]:
                    cues[folded] = (kind, weight)
        self.cues = cues
        # longest first, so that a longer cue claims its words before a cue inside it
        ordered = sorted(cues, key=lambda c: (-len(c), c))
        self._pattern = (
            re.compile("|".join(rf"(?<!\S){re.escape(c)}(?!\S)" for c in ordered))
            if ordered
            else None
        )

    def find(self, text: str) -> list[str]:
        """The cues in ``text``, folded, in order; overlapping shorter cues dropped."""
        if self._pattern is None or not text:
            return []
        return [m.group(0) for m in self._pattern.finditer(fold_words(text))]

    def verdict(self, text: str) -> CueVerdict | None:
        """acceptance / refusal by the strongest cue of each kind; None without cues."""
        found = self.find(text)
        if not found:
            return None
        best = {"acceptance": 0.0, "refusal": 0.0}
        for cue in found:
            kind, weight = self.cues[cue]
            best[kind] = max(best[kind], weight)
        if best["acceptance"] == best["refusal"]:
            return CueVerdict("mixed", 0.0, tuple(found))
        kind = max(best, key=best.__getitem__)
        return CueVerdict(kind, best[kind], tuple(found))


def adjust(score: float, verdict: CueVerdict | None) -> float:
    """The score after the reply: acceptance towards 1, refusal towards 0."""
    if verdict is None or verdict.kind == "mixed":
        return score
    if verdict.kind == "acceptance":
        return score + verdict.weight * (1.0 - score)
    return score * (1.0 - verdict.weight)
