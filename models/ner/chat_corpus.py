"""Generated WhatsApp-style messages with PERSON, LOCATION and ORGANIZATION spans.

Templates (chat_templates.yaml) are filled from chat_lexicon.yaml and Faker pt_BR names, then
cased the way people type: as written, lowercase, ALL CAPS, without accents. Everything is drawn
from a seeded `random.Random` and a seeded Faker, so one seed always gives the same messages.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from faker import Faker

HERE = Path(__file__).parent
Piece = tuple[str, str | None]  # (text, entity label or None)

_WEEKDAYS = ["segunda", "terça", "quarta", "quinta", "sexta", "sábado", "segunda-feira",
             "sexta-feira", "amanhã", "hoje", "semana que vem", "depois de amanhã"]  # fmt: skip
_EMOJI = ["🙏", "👍", "😊", "😢", "🙏🏻", "❤️", "kkk", "rs", "!!", "?"]


@dataclass(frozen=True, slots=True)
class ChatExample:
    text: str
    ents: tuple[tuple[int, int, str], ...]  # (start, end, label), character offsets


@cache
def lexicon() -> dict[str, list[str]]:
    data = yaml.safe_load((HERE / "chat_lexicon.yaml").read_text(encoding="utf-8"))
    return {key: [str(word) for word in words] for key, words in data.items()}


@cache
def templates(split: str) -> list[str]:
    data = yaml.safe_load((HERE / "chat_templates.yaml").read_text(encoding="utf-8"))
    return list(data[split])


def strip_accents(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).replace("ª", "a")


class _Filler:
    """Draws names, places, organisations and filler values."""

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng, self.fake, self.lex = rng, fake, lexicon()

    def pick(self, key: str) -> str:
        return self.rng.choice(self.lex[key])

    def first(self) -> str:
        female = self.rng.random() < 0.5
        if self.rng.random() < 0.5:
            return self.pick("first_names_female" if female else "first_names_male")
        return self.fake.first_name_female() if female else self.fake.first_name_male()

    def surname(self) -> str:
        return self.pick("surnames") if self.rng.random() < 0.5 else self.fake.last_name()

    def bare_surname(self) -> str:
        """A surname without a leading particle ("da Rocha" -> "Rocha"), for company names."""
        return self.surname().split(" ", 1)[-1]

    def full(self) -> str:
        parts = [self.first()]
        for _ in range(self.rng.choice([1, 1, 1, 2, 2, 3])):
            if self.rng.random() < 0.25:
                parts.append(self.pick("name_particles"))
            parts.append(self.surname())
        return " ".join(parts)

    def person(self) -> list[Piece]:
        r = self.rng.random()
        honorific = self.pick("honorifics") + " "
        if r < 0.25:
            return [(self.full(), "PERSON")]
        if r < 0.42:
            return [(f"{self.first()} {self.surname()}", "PERSON")]
        if r < 0.60:
            return [(self.first(), "PERSON")]
        if r < 0.75:
            return [(honorific, None), (self.first(), "PERSON")]
        if r < 0.82:
            return [(honorific, None), (self.full(), "PERSON")]
        if r < 0.91:
            return [(self.pick("nicknames"), "PERSON")]
        return [(honorific, None), (self.pick("nicknames"), "PERSON")]

    def place(self) -> list[Piece]:
        r = self.rng.random()
        if r < 0.30:
            return [(self.pick("cities"), "LOCATION")]
        if r < 0.45:
            return [(self.pick("neighbourhoods"), "LOCATION")]
        if r < 0.52:
            return [(self.fake.bairro(), "LOCATION")]
        if r < 0.70:
            where = self.pick("neighbourhoods" if self.rng.random() < 0.6 else "cities")
            return [(self.pick("venue_patterns").replace("{X}", where), "LOCATION")]
        if r < 0.85:
            street = f"{self.pick('street_types')} {self.rng.choice([self.full(), self.surname()])}"
            if self.rng.random() < 0.5:
                street = self.fake.street_name()
            return [(street, "LOCATION")]
        if r < 0.93:
            return [(self.pick("states"), "LOCATION")]
        return [(self.pick("cities"), "LOCATION"), ("/", None), (self.pick("states"), "LOCATION")]

    def organisation(self) -> list[Piece]:
        r = self.rng.random()
        if r < 0.30:
            return [(self.pick("courts"), "ORGANIZATION")]
        if r < 0.45:
            return [(self.pick("agencies"), "ORGANIZATION")]
        if r < 0.65:
            return [(self.pick("banks"), "ORGANIZATION")]
        if r < 0.80:
            return [(self.pick("companies"), "ORGANIZATION")]
        if r < 0.95:
            name = self.pick("company_patterns")
            name = re.sub(r"\{S\}", lambda _m: self.bare_surname(), name)
            name = name.replace("{F}", self.first())
            return [(name, "ORGANIZATION")]
        company = self.fake.company()  # "Lopes" alone would teach surname = organisation
        return [(company if " " in company else f"{company} Ltda", "ORGANIZATION")]

    def filler(self, slot: str) -> str:
        rng = self.rng
        if slot == "DATE":
            d, m = rng.randint(1, 28), rng.randint(1, 12)
            return rng.choice(
                [f"{d:02d}/{m:02d}", f"dia {d}", f"{d}/{m}/2025", f"{d:02d}/{m:02d}/24"]
            )
        if slot == "TIME":
            h = rng.randint(8, 18)
            return rng.choice([f"{h}h", f"{h}:30", f"{h}h30", f"{h:02d}:00"])
        if slot == "MONEY":
            v = rng.randint(100, 90000)
            return rng.choice(
                [f"R$ {v:,}".replace(",", ".") + ",00", f"{v // 1000 + 1} mil", f"R${v}"]
            )
        if slot == "NUM":
            return str(rng.randint(1, 10 ** rng.randint(1, 7)))
        if slot == "DAY":
            return rng.choice(_WEEKDAYS)
        if slot == "REPLY":
            return self.pick("short_replies")
        raise KeyError(slot)

    def slot(self, name: str) -> list[Piece]:
        if name == "PER":
            return self.person()
        if name == "LOC":
            return self.place()
        if name == "ORG":
            return self.organisation()
        return [(self.filler(name), None)]


_SLOT = re.compile(r"\{([A-Z]+)\}")


def _cased(rng: random.Random) -> tuple[bool, bool, bool]:
    """(lower, upper, strip accents) for one message."""
    r = rng.random()
    return r < 0.30, 0.30 <= r < 0.37, rng.random() < 0.2


def render(template: str, filler: _Filler) -> ChatExample:
    """Fill one template; offsets are computed after casing, piece by piece."""
    pieces: list[Piece] = []
    pos = 0
    for match in _SLOT.finditer(template):
        pieces.append((template[pos : match.start()], None))
        pieces.extend(filler.slot(match.group(1)))
        pos = match.end()
    pieces.append((template[pos:], None))
    rng = filler.rng
    if rng.random() < 0.15:
        pieces.append((" " + rng.choice(_EMOJI), None))
    lower, upper, plain = _cased(rng)
    text, ents = "", []
    for piece, label in pieces:
        piece = piece.lower() if lower else piece.upper() if upper else piece
        piece = strip_accents(piece) if plain else piece
        if label:
            ents.append((len(text), len(text) + len(piece), label))
        text += piece
    return ChatExample(text, tuple(ents))


def generate(n: int, seed: int, split: str = "train") -> list[ChatExample]:
    """`n` messages from the `split` templates ("train" or "test")."""
    rng = random.Random(seed)
    fake = Faker("pt_BR")
    fake.seed_instance(seed)
    filler = _Filler(rng, fake)
    pool = templates(split)
    return [render(rng.choice(pool), filler) for _ in range(n)]
