"""Per-category label thresholds (`thresholds.yaml`): the score at or above which a message
is labelled with a category. Validated on load; errors name the file and the entry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from models.rules.schema import CATEGORIES, YAML_LOADER, RuleFileError

THRESHOLDS_FILE = Path(__file__).resolve().parent / "thresholds.yaml"


def _threshold(value: object, path: Path, entry: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise RuleFileError(path, None, f"{entry} must be a number in (0, 1], got {value!r}")
    return float(value)


def load_thresholds(path: Path | None = None) -> dict[str, float]:
    """Threshold per category: its own entry, else `default`."""
    path = Path(path) if path is not None else THRESHOLDS_FILE
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except OSError as exc:
        raise RuleFileError(path, None, f"cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(path, None, "is not valid YAML: fix the syntax") from exc
    if not isinstance(data, dict) or set(data) - {"default", "categories"}:
        raise RuleFileError(path, None, "must be a mapping with 'default' and 'categories' only")
    default = _threshold(data.get("default"), path, "'default'")
    per_category = data.get("categories") or {}
    if not isinstance(per_category, dict):
        raise RuleFileError(path, None, "'categories' must map category names to thresholds")
    unknown = sorted(set(per_category) - set(CATEGORIES))
    if unknown:
        raise RuleFileError(path, None, f"unknown categories {unknown}: use {list(CATEGORIES)}")
    return {
        category: _threshold(per_category[category], path, f"categories.{category}")
        if category in per_category
        else default
        for category in CATEGORIES
    }


def labels_of(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> list[str]:
    """Categories whose score is at or above their threshold, in CATEGORIES order."""
    return [c for c in CATEGORIES if scores.get(c, 0.0) >= thresholds.get(c, 1.0) - 1e-9]


def all_scores(category_scores: Mapping[str, float], categories: Iterable[str] = CATEGORIES):
    """Every category's score (0.0 where no rule fired), in CATEGORIES order."""
    return {c: round(float(category_scores.get(c, 0.0)), 4) for c in categories}
