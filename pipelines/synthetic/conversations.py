"""Dialogue templates -> timed message sequences for one employee-client chat."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from random import Random

import yaml

from pipelines.synthetic.misconduct import Scene
from pipelines.synthetic.noise import add_noise
from pipelines.synthetic.people import Client, Employee
from pipelines.synthetic.slots import Slots, World

PHRASES_FILE = Path(__file__).with_name("phrases_pt_br.yaml")
_DAYPART = re.compile(r"\b([Bb])o[am] (dia|tarde|noite)\b")
SESSIONS_PER_DAY = 0.2  # per primary chat, times the client's activity
MEDIA_KINDS = ("image", "audio", "video", "document", "sticker")


@dataclass
class Message:
    at: datetime  # naive local time (America/Sao_Paulo)
    who: str  # "e" (the exporting employee) | "c" (the client)
    text: str = ""
    media: str | None = None  # one of MEDIA_KINDS
    doc_name: str | None = None
    deleted: bool = False
    edited: bool = False
    system: str | None = None  # "security_code" | "missed_call"
    mark: tuple[str, str] | None = None  # (category, label) of a seeded case
    case: int = -1  # session index of the seeded case


@dataclass(frozen=True)
class Chat:
    employee: Employee
    client: Client
    contact: str  # how the client is saved in the employee's phone (or a raw phone number)
    layout: str
    with_media: bool
    primary: bool


@cache
def load_phrases(path: Path = PHRASES_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def fit_daypart(text: str, hour: int) -> str:
    """Make "bom dia / boa tarde / boa noite" agree with the clock."""
    part = "dia" if 5 <= hour < 12 else ("tarde" if 12 <= hour < 18 else "noite")
    word = "om" if part == "dia" else "oa"
    return _DAYPART.sub(lambda m: f"{m.group(1)}{word} {part}", text)


def poisson(rng: Random, lam: float) -> int:
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def session_count(rng: Random, chat: Chat, days: int) -> int:
    rate = SESSIONS_PER_DAY * chat.client.activity * (1.0 if chat.primary else 0.45)
    return poisson(rng, rate * days)


def session_start(rng: Random, first_day: date, days: int, after_hours: bool) -> datetime:
    for _ in range(6):
        day = first_day + timedelta(days=rng.randrange(days))
        if day.weekday() < 5 or rng.random() < 0.3:
            break
    r = rng.random()
    if after_hours or 0.84 < r < 0.96:
        clock = time(rng.randint(19, 22), rng.randrange(60), rng.randrange(60))
    elif r >= 0.96:
        clock = time(rng.choice([6, 7, 23]), rng.randrange(60), rng.randrange(60))
    else:
        clock = time(rng.randint(8, 18), rng.randrange(60), rng.randrange(60))
    return datetime.combine(day, clock)


class SessionBuilder:
    """Builds one session's messages from a topic, plus optional seeded scene."""

    def __init__(self, rng: Random, world: World, chat: Chat) -> None:
        self.rng, self.world, self.chat = rng, world, chat
        self.phrases = load_phrases()
        team = chat.client.team
        topics = self.phrases["topics"]
        self.topics = sorted(topics)
        self.topic_weights = [
            3.0 if team in topics[t]["teams"] else (1.0 if "any" in topics[t]["teams"] else 0.0)
            for t in self.topics
        ]
        self.topic_weights[self.topics.index("multilinha")] = 0.25

    def say(self, who: str, options: list[str], slots: Slots) -> Message:
        text = self.rng.choice(options).format_map(slots)
        if "\n" not in text:
            casual = who == "c" and self.rng.random() < 0.6
            if casual or self.rng.random() < 0.05:
                text = add_noise(self.rng, text, casual=casual)
        return Message(datetime.min, who, text)

    def media(self, who: str, kind: str, captions: list[str], slots: Slots) -> Message:
        caption = self.rng.choice(captions).format_map(slots) if captions else ""
        doc = self.rng.choice(self.phrases["documents"]) if kind == "document" else None
        return Message(datetime.min, who, caption, media=kind, doc_name=doc)

    def build(self, start: datetime, scene: Scene | None, case: int) -> list[Message]:
        rng, chat, ph = self.rng, self.chat, self.phrases
        slots = Slots(self.world, chat.employee, chat.client, start, self._client_call())
        topic = ph["topics"][rng.choices(self.topics, self.topic_weights)[0]]
        starter = topic["starts"]
        other = "c" if starter == "e" else "e"
        msgs: list[Message] = []
        if rng.random() < 0.7:
            msgs.append(self.say(starter, ph["greeting"][starter], slots))
            if rng.random() < 0.5:
                msgs.append(self.say(other, ph["greeting"][other], slots))
            for m in msgs:
                m.text = fit_daypart(m.text, start.hour)
        for turn in topic["turns"]:
            if rng.random() < turn.get("p", 1.0):
                if "media" in turn:
                    msgs.append(self.media(turn["who"], turn["media"], turn["say"], slots))
                else:
                    msgs.append(self.say(turn["who"], turn["say"], slots))
                if rng.random() < 0.08:
                    who = "c" if turn["who"] == "e" else "e"
                    msgs.append(self.say(who, ph["ack"][who], slots))
        self._extras(msgs, slots)
        if scene is not None:
            at = rng.randint(min(len(msgs), 2), len(msgs))
            seeded = [
                Message(
                    datetime.min,
                    t.who,
                    t.say.format_map(slots),
                    mark=(scene.category, scene.label) if t.mark else None,
                    case=case,
                )
                for t in scene.turns
            ]
            msgs[at:at] = seeded
        if rng.random() < 0.6:
            who = rng.choice("ec")
            msgs.append(self.say(who, ph["closing"][who], slots))
        slots.finish()
        return self._timed(msgs, start)

    def _client_call(self) -> str:
        c = self.chat.client
        r = self.rng.random()
        if r < 0.5:
            return c.first_name
        if r < 0.8:
            return ("Sra. " if c.gender == "f" else "Sr. ") + c.first_name
        return ("Dona " if c.gender == "f" else "Seu ") + c.first_name

    def _extras(self, msgs: list[Message], slots: Slots) -> None:
        rng, ph = self.rng, self.phrases
        if rng.random() < 0.12:  # audio note
            who = rng.choice("ec")
            at = rng.randint(0, len(msgs))
            msgs[at:at] = [
                self.say(who, ph["audio_intro"][who], slots),
                self.media(who, "audio", [], slots),
            ]
        if rng.random() < 0.05:
            msgs.append(self.media("c", rng.choice(["sticker", "video"]), [], slots))
        if rng.random() < 0.08:  # a message its sender deleted
            at = rng.randint(0, len(msgs))
            msgs.insert(at, Message(datetime.min, rng.choice("ec"), deleted=True))
        for m in msgs:
            if m.text and not m.media and "\n" not in m.text and rng.random() < 0.012:
                m.edited = True
        if rng.random() < 0.02:
            msgs.insert(0, Message(datetime.min, "c", system="missed_call"))
        if rng.random() < 0.004:
            msgs.insert(0, Message(datetime.min, "c", system="security_code"))

    def _timed(self, msgs: list[Message], start: datetime) -> list[Message]:
        rng = self.rng
        at, prev = start, None
        for m in msgs:
            if prev is not None:
                if m.who == prev.who:
                    gap = rng.uniform(3, 45)
                elif rng.random() < 0.07:
                    gap = rng.uniform(1800, 4 * 3600)
                else:
                    gap = min(3600.0, max(8.0, rng.lognormvariate(4.2, 1.0)))
                at = at + timedelta(seconds=gap)
            m.at = at.replace(microsecond=0)
            prev = m
        return msgs


def build_chat(
    rng: Random,
    world: World,
    chat: Chat,
    starts: list[datetime],
    scenes: list[tuple[Scene | None, int]],
    window_end: datetime,
) -> list[Message]:
    """All messages of one chat; ``starts`` are sorted session starts, ``scenes`` their cases."""
    builder = SessionBuilder(rng, world, chat)
    out: list[Message] = []
    last = datetime.min
    for start, (scene, case) in zip(starts, scenes, strict=True):
        start = max(start, last + timedelta(seconds=rng.randint(60, 1800)))
        msgs = builder.build(start, scene, case)
        overflow = msgs[-1].at - window_end
        if overflow > timedelta(0):  # keep the whole session inside the window
            shift = overflow + timedelta(seconds=rng.randint(1, 600))
            for m in msgs:
                m.at -= shift
        out.extend(msgs)
        last = out[-1].at
    out.sort(key=lambda m: m.at)
    return out
