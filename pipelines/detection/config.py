"""config/detection.yaml as typed settings, validated on load (errors name the file and the key).

Thresholds turn scores into alert severities, context cues adjust a flagged message's score by
the other party's reply, signal parameters drive gold.signals, and ``notify`` holds who hears of
new alerts. Another file can be used with VIGIA_DETECTION_FILE.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.config_files import read_config_file

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "config" / "detection.yaml"
SEVERITIES = ("low", "medium", "high")
LANGUAGES = ("pt-BR", "en", "es")


class DetectionConfigError(ValueError):
    """config/detection.yaml is missing or malformed; the message names file, key and fix."""


@dataclass(frozen=True)
class Thresholds:
    low: float
    medium: float
    high: float

    def severity(self, score: float) -> str | None:
        """The alert severity of ``score``, None below ``low``."""
        for name in reversed(SEVERITIES):
            if score >= getattr(self, name):
                return name
        return None


@dataclass(frozen=True)
class ContextConfig:
    window_messages: int
    window_minutes: int
    categories: tuple[str, ...]
    acceptance: dict[str, float]  # cue phrase (as written) -> weight, all languages
    refusal: dict[str, float]


@dataclass(frozen=True)
class VolumeDrop:
    window_days: int = 7
    min_before_messages: int = 6
    min_drop: float = 0.7
    weight: float = 0.9


@dataclass(frozen=True)
class Silence:
    history_days: int = 14
    min_active_days: int = 9
    min_silent_days: int = 5
    weight: float = 0.5


@dataclass(frozen=True)
class DeletedBurst:
    window_minutes: int = 60
    min_deleted: int = 3
    saturation: int = 5
    weight: float = 0.8


@dataclass(frozen=True)
class CallsWithoutMessages:
    window_hours: int = 24
    min_calls: int = 1
    saturation: int = 3
    weight: float = 0.3
    require_chat: bool = True
    lookback_days: int = 30


@dataclass(frozen=True)
class SignalsConfig:
    alert_min_score: float = 0.7
    volume_drop: VolumeDrop = field(default_factory=VolumeDrop)
    silence: Silence = field(default_factory=Silence)
    deleted_burst: DeletedBurst = field(default_factory=DeletedBurst)
    calls_without_messages: CallsWithoutMessages = field(default_factory=CallsWithoutMessages)

    @property
    def lookback_days(self) -> int:
        """Days before a run's first date that the signals need to read."""
        return max(
            2 * self.volume_drop.window_days,
            self.silence.history_days + self.silence.min_silent_days,
            self.calls_without_messages.lookback_days,
            2,
        )


@dataclass(frozen=True)
class NotifyConfig:
    min_severity: str = "medium"
    managers: dict[str, str] = field(default_factory=dict)  # team -> address


@dataclass(frozen=True)
class DetectionConfig:
    thresholds: dict[str, Thresholds]  # "default" and per-category overrides
    context: ContextConfig
    signals: SignalsConfig
    notify: NotifyConfig
    path: Path | None = None

    def thresholds_for(self, category: str) -> Thresholds:
        return self.thresholds.get(category, self.thresholds["default"])

    def severity(self, category: str, score: float) -> str | None:
        return self.thresholds_for(category).severity(score)

    @property
    def alert_min_score(self) -> float:
        """The lowest score that opens an alert in any category."""
        return min(t.low for t in self.thresholds.values())


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("VIGIA_DETECTION_FILE") or DEFAULT_FILE)


def load_detection_config(
    path: Path | None = None, env: Mapping[str, str] = os.environ
) -> DetectionConfig:
    """Read and validate the detection settings (default: config/detection.yaml)."""
    path = path or config_path(env)
    data = read_config_file(
        path, DetectionConfigError, "detection settings", DEFAULT_FILE, "VIGIA_DETECTION_FILE"
    )
    return parse_detection_config(data, path)


def parse_detection_config(data: Any, path: Path | None = None) -> DetectionConfig:
    top = _Section(data, str(path or "<detection config>"), "")
    thresholds = {
        name: _thresholds(top.section("thresholds").section(name))
        for name in top.section("thresholds").names()
    }
    if "default" not in thresholds:
        raise top.section("thresholds").fail("default", "is required ({low, medium, high})")
    return DetectionConfig(
        thresholds=thresholds,
        context=_context(top.section("context")),
        signals=_signals(top.section("signals")),
        notify=_notify(top.section("notify", required=False)),
        path=path,
    )


class _Section:
    """One mapping of the file; ``fail`` names ``file: key.path: problem``."""

    def __init__(self, data: Any, file: str, where: str):
        if not isinstance(data, dict):
            raise DetectionConfigError(f"{file}: {where or 'top level'}: expected a mapping")
        self.data, self.file, self.where = data, file, where

    def fail(self, key: str, problem: str) -> DetectionConfigError:
        place = f"{self.where}.{key}" if self.where else key
        return DetectionConfigError(f"{self.file}: {place}: {problem}")

    def names(self) -> list[str]:
        for key in self.data:
            if not isinstance(key, str):
                raise self.fail(str(key), "keys must be text (quote yes/no/on/off in YAML)")
        return list(self.data)

    def section(self, key: str, required: bool = True) -> _Section:
        if key not in self.data or self.data[key] is None:
            if required:
                raise self.fail(key, "is required")
            return _Section({}, self.file, self._child(key))
        return _Section(self.data[key], self.file, self._child(key))

    def number(self, key: str, default: float | None = None, *, unit: bool = False) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"expected a number, got {value!r}")
        if unit and not 0 <= value <= 1:
            raise self.fail(key, f"must lie in [0, 1], got {value}")
        return float(value)

    def count(self, key: str, default: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(key, f"expected a whole number >= 1, got {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def _child(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key


def _thresholds(section: _Section) -> Thresholds:
    values = [section.number(name, unit=True) for name in SEVERITIES if name in section.data]
    if len(values) != len(SEVERITIES):
        raise section.fail("", f"needs {', '.join(SEVERITIES)}")
    if not values[0] <= values[1] <= values[2] or values[0] <= 0:
        raise section.fail("", "needs 0 < low <= medium <= high")
    return Thresholds(*values)


def _cues(section: _Section) -> dict[str, float]:
    cues: dict[str, float] = {}
    for language in section.names():
        if language not in LANGUAGES:
            raise section.fail(language, f"language must be one of {', '.join(LANGUAGES)}")
        phrases = section.section(language)
        for phrase in phrases.names():
            weight = phrases.number(phrase, unit=True)
            cues[phrase] = max(weight, cues.get(phrase, 0.0))
    return cues


def _context(section: _Section) -> ContextConfig:
    categories = section.data.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise section.fail("categories", "expected a list of category names")
    return ContextConfig(
        window_messages=section.count("window_messages", 4),
        window_minutes=section.count("window_minutes", 720),
        categories=tuple(categories),
        acceptance=_cues(section.section("acceptance")),
        refusal=_cues(section.section("refusal")),
    )


def _signals(section: _Section) -> SignalsConfig:
    def part(name: str, cls: type, units: tuple[str, ...] = ("weight",)):
        sub = section.section(name, required=False)
        values = {}
        for key, default in cls().__dict__.items():
            if isinstance(default, bool):
                values[key] = sub.flag(key, default)
            elif key in units or isinstance(default, float):
                values[key] = sub.number(key, default, unit=key in units)
            else:
                values[key] = sub.count(key, default)
        unknown = sorted(set(sub.names()) - set(values))
        if unknown:
            raise sub.fail(unknown[0], f"unknown key; expected one of {', '.join(values)}")
        return cls(**values)

    return SignalsConfig(
        alert_min_score=section.number("alert_min_score", 0.7, unit=True),
        volume_drop=part("volume_drop", VolumeDrop, ("weight", "min_drop")),
        silence=part("silence", Silence),
        deleted_burst=part("deleted_burst", DeletedBurst),
        calls_without_messages=part("calls_without_messages", CallsWithoutMessages),
    )


def _notify(section: _Section) -> NotifyConfig:
    severity = section.data.get("min_severity", "medium")
    if severity not in SEVERITIES:
        raise section.fail("min_severity", f"must be one of {', '.join(SEVERITIES)}")
    managers = section.section("managers", required=False)
    for team in managers.names():
        if not isinstance(managers.data[team], str) or "@" not in managers.data[team]:
            raise managers.fail(team, "expected an e-mail address")
    return NotifyConfig(min_severity=severity, managers=dict(managers.data))
