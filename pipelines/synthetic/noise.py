"""Chat-style noise: WhatsApp abbreviations, dropped accents and small typos.

Only lowercase words without digits or "@" are touched, so names, CPFs, phones and e-mails in
the text stay exactly as drawn (the ground truth lists them verbatim).
"""

from __future__ import annotations

import re
import unicodedata
from random import Random

ABBREVIATIONS = {
    "você": "vc",
    "vocês": "vcs",
    "porque": "pq",
    "por que": "pq",
    "também": "tb",
    "beleza": "blz",
    "obrigado": "obg",
    "obrigada": "obg",
    "que": "q",
    "hoje": "hj",
    "não": "nao",
    "está": "ta",
    "tá": "ta",
    "mesmo": "msm",
    "muito": "mto",
    "para": "pra",
    "tudo": "td",
    "qualquer": "qlq",
    "amanhã": "amanha",
    "depois": "dps",
    "quando": "qdo",
    "mensagem": "msg",
    "beijos": "bjs",
}
_WORD = re.compile(r"^[a-zà-ÿ]+$")


def strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def typo(rng: Random, word: str) -> str:
    i = rng.randrange(len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # swap two neighbours
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:  # drop a letter
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # double a letter


def add_noise(rng: Random, text: str, *, casual: bool) -> str:
    """Casual writers abbreviate and drop accents; everybody makes the odd typo."""
    out = []
    for token in text.split(" "):
        core = token.rstrip(".,!?;:")
        tail = token[len(core) :]
        if _WORD.match(core):
            if casual and core in ABBREVIATIONS and rng.random() < 0.6:
                core = ABBREVIATIONS[core]
            elif casual and rng.random() < 0.3:
                core = strip_accents(core)
            if len(core) >= 5 and rng.random() < 0.03:
                core = typo(rng, core)
        out.append(core + tail)
    result = " ".join(out)
    if casual and result.endswith(".") and rng.random() < 0.6:
        result = result[:-1]
    return result
