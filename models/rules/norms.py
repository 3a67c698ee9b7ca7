"""Token NORMs shared by rules and messages: WhatsApp abbreviations and typo tolerance.

spaCy computes a word's NORM once, when it first meets the word (its lexeme), through
`vocab.lex_attr_getters[NORM]`. `NormTable` plugs in there, so both of these cost nothing per
token once a word has been seen:

- abbreviations (`abbreviations.<language>.yaml`): "vc" -> "voce", "u" -> "you". A short form
  that two tables expand differently ("msg": "mensagem" in pt-BR, "message" in en) makes the
  full words one NORM (the pt-BR word, else the first language's), so rules in either language
  written with their own full word match the short form.
- typos: a word marked FUZZY in a rule pattern ({NORM: {FUZZY: propina}}) becomes the NORM of
  every unknown word within its edit distance ("propna", "porpina" -> "propina"). Words the rules
  themselves use, short forms and stop words are known and never remapped; a word close to two
  fuzzy words is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import yaml
from spacy.attrs import NORM
from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.es.stop_words import STOP_WORDS as ES_STOP_WORDS
from spacy.lang.pt.stop_words import STOP_WORDS as PT_STOP_WORDS
from spacy.vocab import Vocab

from models.rules.schema import LANGUAGES, YAML_LOADER, RuleFileError, fold

ABBREVIATIONS_STEM = "abbreviations"
MIN_FUZZY_WORD = 5  # text words shorter than this are never read as typos
STOP_WORDS = frozenset(fold(w) for w in PT_STOP_WORDS | EN_STOP_WORDS | ES_STOP_WORDS)


def fuzzy_edits(word: str, op: str) -> int:
    """Edits a FUZZY operator allows for `word`: FUZZYn -> n; FUZZY -> 1, or 2 from 10 letters."""
    if op != "FUZZY":
        return int(op.removeprefix("FUZZY"))
    return 2 if len(word) >= 10 else 1


def _deletions(word: str, depth: int) -> set[str]:
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def osa_distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting an adjacent transposition as one edit; `limit + 1` when above."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


class NormTable:
    """NORM of a folded word: abbreviation expansion, else the fuzzy word it is a typo of."""

    def __init__(
        self,
        abbreviations: Mapping[str, str] | None = None,
        fuzzy: Mapping[str, int] | None = None,
        known: Iterable[str] = (),
    ):
        self.abbreviations = dict(abbreviations or {})
        self.fuzzy = {w: e for w, e in (fuzzy or {}).items() if len(w) >= MIN_FUZZY_WORD}
        self.known = (
            frozenset(known)
            | STOP_WORDS
            | set(self.abbreviations)
            | set(self.abbreviations.values())
            | set(self.fuzzy)
        )
        self._depth = max(self.fuzzy.values(), default=0)
        self._index: dict[str, set[str]] = {}
        for word, edits in self.fuzzy.items():
            for variant in _deletions(word, edits):
                self._index.setdefault(variant, set()).add(word)

    def word(self, word: str) -> str:
        """The NORM rules use for `word` (a rule word or a pattern value)."""
        return self.abbreviations.get(word, word)

    def typo_of(self, word: str) -> str | None:
        """The fuzzy word `word` is a typo of, or None (known word, too short, none, or two)."""
        if not self._index or len(word) < MIN_FUZZY_WORD or word in self.known:
            return None
        matches = set()
        for variant in _deletions(word, self._depth):
            for candidate in self._index.get(variant, ()):
                edits = self.fuzzy[candidate]
                if candidate not in matches and osa_distance(word, candidate, edits) <= edits:
                    matches.add(candidate)
        return matches.pop() if len(matches) == 1 else None

    def install(self, vocab: Vocab) -> None:
        """Make `vocab` give every new lexeme its NORM from this table (existing ones too)."""
        default: Callable[[str], str] = vocab.lex_attr_getters[NORM]

        def norm(text: str) -> str:
            base = default(text)
            expanded = self.abbreviations.get(base)
            if expanded is not None:
                return expanded
            return self.typo_of(base) or base

        vocab.lex_attr_getters[NORM] = norm
        for short, full in self.abbreviations.items():
            vocab[short].norm_ = full
        for lexeme in list(vocab):  # lexemes spaCy created before the table was installed
            typo = self.typo_of(lexeme.orth_)
            if typo is not None:
                lexeme.norm_ = typo


def _read_table(path: Path) -> tuple[str, dict[str, str]]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleFileError(path, None, "is not valid UTF-8 YAML: fix the syntax") from exc
    entries = data.get("abbreviations") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise RuleFileError(path, None, "must hold an 'abbreviations' mapping short: full")
    language = data.get("language", path.name.split(".")[1] if path.name.count(".") == 2 else "")
    if language not in LANGUAGES:
        raise RuleFileError(path, None, f"language must be one of {list(LANGUAGES)}")
    table: dict[str, str] = {}
    for short, full in entries.items():
        if not isinstance(short, str) or not isinstance(full, str):
            raise RuleFileError(path, None, f"entry {short!r}: both sides must be strings")
        short_f, full_f = fold(short).strip(), fold(full).strip()
        if not short_f or not full_f or " " in short_f or " " in full_f:
            raise RuleFileError(
                path, None, f"entry {short!r}: use one word on each side (no spaces)"
            )
        table[short_f] = full_f
    return language, table


def load_abbreviations(directory: Path | None = None) -> dict[str, str]:
    """Merge `abbreviations.<language>.yaml` files: folded word -> the NORM rules use for it.

    Short forms map to their full word. When tables disagree on a short form, its full words
    join one group whose NORM is the pt-BR word (else the first language's); the other full
    words then map to it too. A full word that is another table's short form is an error.
    """
    directory = Path(directory) if directory is not None else Path(__file__).resolve().parent
    tables = [_read_table(p) + (p,) for p in sorted(directory.glob(f"{ABBREVIATIONS_STEM}.*.yaml"))]
    tables.sort(key=lambda t: (t[0] != "pt-BR", t[0]))  # pt-BR first: its words win
    shorts = {short: path for _, table, path in tables for short in table}
    canonical: dict[str, str] = {}  # full word -> the group's NORM
    result: dict[str, str] = {}
    for _language, table, path in tables:
        for short, full in table.items():
            if full in shorts and full != short and shorts[full] != path:
                raise RuleFileError(
                    path, None, f"entry {short!r}: {full!r} is a short form in {shorts[full].name}"
                )
            full = canonical.get(full, full)
            previous = result.get(short)
            if previous is not None and previous != full:
                canonical[full] = previous  # e.g. "message" joins "mensagem"
                full = previous
            result[short] = full
    for word, group_norm in canonical.items():
        result.setdefault(word, group_norm)
    return {word: canonical.get(norm, norm) for word, norm in result.items()}
