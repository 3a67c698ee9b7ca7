"""config/detection.yaml loads and validates; acceptance and refusal cues match folded."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from pipelines.detection.config import (
    DEFAULT_FILE,
    DetectionConfigError,
    load_detection_config,
    parse_detection_config,
)
from pipelines.detection.cues import CueMatcher, CueVerdict, adjust, fold_words

RAW = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))


def test_the_shipped_file_loads_with_every_language():
    config = load_detection_config()
    assert config.thresholds_for("bribery").low == config.alert_min_score
    for cue in ("combinado", "pode deixar", "deal", "trato hecho", "de acuerdo"):
        assert cue in config.context.acceptance
    for cue in ("não", "de jeito nenhum", "isso é errado", "no way", "ni hablar"):
        assert cue in config.context.refusal
    assert config.signals.lookback_days >= 2 * config.signals.volume_drop.window_days


def test_another_file_through_the_environment(tmp_path):
    data = copy.deepcopy(RAW)
    data["thresholds"]["off_channel"] = {"low": 0.6, "medium": 0.8, "high": 0.95}
    path = tmp_path / "detection.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config = load_detection_config(env={"VIGIA_DETECTION_FILE": str(path)})
    assert config.severity("off_channel", 0.7) == "low"
    assert config.severity("bribery", 0.7) == "medium"
    assert config.severity("bribery", 0.4) is None
    assert config.alert_min_score == 0.5


def _broken(path: list, value):
    data = copy.deepcopy(RAW)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["thresholds", "default"], KeyError, "thresholds.default: is required"),
        (["thresholds", "default", "high"], 0.2, "low <= medium <= high"),
        (["thresholds", "default", "low"], 1.5, "must lie in [0, 1]"),
        (["context", "acceptance", "fr"], {"d'accord": 0.5}, "context.acceptance.fr: language"),
        (["context", "refusal", "en", "no way"], "a lot", "context.refusal.en.no way"),
        (["context", "window_messages"], 0, "context.window_messages"),
        (["signals", "silence", "min_silent_dayz"], 3, "signals.silence.min_silent_dayz: unknown"),
        (["signals", "calls_without_messages", "require_chat"], "yes", "require_chat"),
        (["notify", "min_severity"], "urgent", "notify.min_severity"),
        (["notify", "managers"], {"Trabalhista": "not-an-address"}, "notify.managers.Trabalhista"),
    ],
)
def test_errors_name_the_key(path, value, message):
    with pytest.raises(DetectionConfigError, match=f"detection.yaml: .*{re.escape(message)}"):
        parse_detection_config(_broken(path, value), DEFAULT_FILE)


def test_yaml_booleans_as_cues_are_refused():
    data = _broken(["context", "refusal", "en"], {False: 0.3})  # an unquoted `no:`
    with pytest.raises(DetectionConfigError, match="quote yes/no"):
        parse_detection_config(data, DEFAULT_FILE)


def test_a_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(DetectionConfigError, match="VIGIA_DETECTION_FILE"):
        load_detection_config(tmp_path / "nope.yaml")


MATCHER = CueMatcher(
    {"combinado": 0.6, "não tem problema": 0.4, "ok": 0.3, "ok, faço": 0.6},
    {"não": 0.3, "não faço isso": 0.8, "de jeito nenhum": 0.8},
)


@pytest.mark.parametrize(
    ("text", "kind", "cues"),
    [
        ("Combinado!!", "acceptance", ("combinado",)),
        ("COMBINADO, até amanhã", "acceptance", ("combinado",)),
        ("não tem problema", "acceptance", ("nao tem problema",)),
        ("Ok, faço sim", "acceptance", ("ok faco",)),
        ("não faço isso", "refusal", ("nao faco isso",)),
        ("Não. De jeito nenhum", "refusal", ("nao", "de jeito nenhum")),
        ("ok... não", "mixed", ("ok", "nao")),
        ("descombinado", None, ()),  # whole words only
        ("nãozinho", None, ()),
        ("", None, ()),
    ],
)
def test_cue_verdicts(text, kind, cues):
    verdict = MATCHER.verdict(text)
    assert (verdict.kind if verdict else None) == kind
    assert MATCHER.find(text) == list(cues)


@pytest.mark.parametrize(
    ("score", "verdict", "expected"),
    [
        (0.6, CueVerdict("acceptance", 0.5, ()), 0.8),
        (0.6, CueVerdict("refusal", 0.5, ()), 0.3),
        (0.6, CueVerdict("mixed", 0.0, ()), 0.6),
        (0.6, None, 0.6),
        (1.0, CueVerdict("acceptance", 0.9, ()), 1.0),
    ],
)
def test_adjust_stays_in_unit_interval(score, verdict, expected):
    assert adjust(score, verdict) == pytest.approx(expected)


def test_fold_words():
    assert fold_words("  Não,   FAÇO!  ") == "nao faco"
