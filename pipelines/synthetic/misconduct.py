"""Seeded misconduct scenes and hard negatives (the text lives in misconduct_pt_br.yaml).

``plan_cases`` decides, per conversation session, whether a scene is inserted; misconduct is
concentrated on a few "high-risk" employees, hard negatives are spread evenly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from random import Random

import yaml

SCENES_FILE = Path(__file__).with_name("misconduct_pt_br.yaml")
CATEGORIES = ("bribery", "threat", "harassment", "off_channel", "judicial_corruption")
POSITIVE_WEIGHTS = {
    "bribery": 20,
    "threat": 15,
    "harassment": 20,
    "off_channel": 30,
    "judicial_corruption": 15,
}
POSITIVE_RATE = 0.025  # per session, times the employee's risk factor (mean ~1.2)
HARD_NEGATIVE_RATE = 0.03
HIGH_RISK_SHARE = 0.2
_SLOT = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class Turn:
    who: str  # "e" | "c"
    say: str
    mark: bool


@dataclass(frozen=True)
class Scene:
    category: str  # one of CATEGORIES, or "none"
    label: str  # "positive" | "hard_negative"
    veiled: bool
    turns: tuple[Turn, ...]


@cache
def load_scenes(path: Path = SCENES_FILE) -> tuple[Scene, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenes = []
    for label in ("positive", "hard_negative"):
        for category, entries in data[label].items():
            for entry in entries:
                turns = tuple(
                    Turn(t["who"], t["say"], bool(t.get("mark", False))) for t in entry["turns"]
                )
                scenes.append(Scene(category, label, bool(entry.get("veiled", False)), turns))
    return tuple(scenes)


def template_pattern(template: str) -> re.Pattern[str]:
    """Regex matching any filled-in version of a template (slots become ``.+?``)."""
    parts = _SLOT.split(template)
    return re.compile(".+?".join(re.escape(p) for p in parts))


def marked_templates(category: str, label: str) -> list[str]:
    return [
        t.say
        for s in load_scenes()
        if s.category == category and s.label == label
        for t in s.turns
        if t.mark
    ]


def employee_risks(rng: Random, n_employees: int) -> list[float]:
    """Risk factor per employee: a few high-risk people carry most of the misconduct."""
    n_high = max(1, round(n_employees * HIGH_RISK_SHARE))
    high = set(rng.sample(range(n_employees), n_high))
    return [4.0 if i in high else 0.5 for i in range(n_employees)]


def plan_cases(rng: Random, session_employee: list[int], risks: list[float]) -> dict[int, Scene]:
    """Map session index -> scene for the sessions that carry a seeded case.

    ``session_employee[i]`` is the employee index of session i. Small runs still get a few
    cases of each label so tests and demos always have something to find.
    """
    scenes = load_scenes()
    positives = {
        c: [s for s in scenes if s.label == "positive" and s.category == c] for c in CATEGORIES
    }
    negatives = [s for s in scenes if s.label == "hard_negative"]
    weights = [POSITIVE_WEIGHTS[c] for c in CATEGORIES]

    def positive() -> Scene:
        return rng.choice(positives[rng.choices(CATEGORIES, weights)[0]])

    plan: dict[int, Scene] = {}
    for i, emp in enumerate(session_employee):
        draw = rng.random()
        if draw < POSITIVE_RATE * risks[emp]:
            plan[i] = positive()
        elif draw > 1 - HARD_NEGATIVE_RATE:
            plan[i] = rng.choice(negatives)
    minimum = min(5, len(session_employee) // 4)
    free = [i for i in range(len(session_employee)) if i not in plan]
    rng.shuffle(free)
    for label in ("positive", "hard_negative"):
        have = sum(1 for s in plan.values() if s.label == label)
        while have < minimum and free:
            plan[free.pop()] = positive() if label == "positive" else rng.choice(negatives)
            have += 1
    return plan
