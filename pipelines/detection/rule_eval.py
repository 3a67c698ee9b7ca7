"""Precision, recall and F1 of the misconduct rules on labelled messages (`vigia eval-rules`).

A labelled file is JSON Lines {"text", "labels": [category, ...]} (other keys are ignored;
labels [] marks an innocent message). A message is *predicted* with a category when its score
for that category reaches the threshold (models/rules/thresholds.yaml).

- per category: TP / FP / FN over messages, precision, recall, F1;
- per rule: a rule "predicts" its category in every message it fires on, so its precision is
  the share of those messages labelled with that category and its recall the share of that
  category's messages it fires on (what the rule contributes, before thresholds);
- macro F1: the mean F1 of the categories that have labelled messages;
- false-positive rate: the share of innocent messages (labels == []) given any label, and,
  for an unlabelled file of everyday traffic, the share of its messages given any label.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from models.rules.schema import CATEGORIES
from models.rules.scorer import RuleHit, RuleScorer, category_scores
from models.rules.thresholds import labels_of


class EvalInputError(ValueError):
    """A labelled or unlabelled file that cannot be read; names the file and line, not text."""


@dataclass(frozen=True)
class Labelled:
    text: str
    labels: frozenset[str]
    line: int


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def to_dict(self) -> dict:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "support": self.support,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class EvalReport:
    messages: int
    innocent: int
    innocent_flagged: int
    per_category: dict[str, Counts]
    per_rule: dict[str, Counts]
    unlabelled: int | None = None
    unlabelled_flagged: int | None = None
    micro: Counts = field(default_factory=Counts)

    @property
    def macro_f1(self) -> float:
        scored = [c.f1 for c in self.per_category.values() if c.support]
        return sum(scored) / len(scored) if scored else 0.0

    @property
    def macro_precision(self) -> float:
        scored = [c.precision for c in self.per_category.values() if c.support]
        return sum(scored) / len(scored) if scored else 0.0

    @property
    def fp_rate(self) -> float:
        return self.innocent_flagged / self.innocent if self.innocent else 0.0

    @property
    def unlabelled_fp_rate(self) -> float | None:
        if not self.unlabelled:
            return None
        return (self.unlabelled_flagged or 0) / self.unlabelled

    def to_dict(self) -> dict:
        return {
            "messages": self.messages,
            "innocent": self.innocent,
            "innocent_flagged": self.innocent_flagged,
            "fp_rate_innocent": round(self.fp_rate, 4),
            "unlabelled": self.unlabelled,
            "unlabelled_flagged": self.unlabelled_flagged,
            "fp_rate_unlabelled": None
            if self.unlabelled_fp_rate is None
            else round(self.unlabelled_fp_rate, 4),
            "macro_f1": round(self.macro_f1, 4),
            "macro_precision": round(self.macro_precision, 4),
            "micro": self.micro.to_dict(),
            "categories": {c: n.to_dict() for c, n in self.per_category.items()},
            "rules": {r: n.to_dict() for r, n in sorted(self.per_rule.items())},
        }


def _records(path: Path) -> Iterable[tuple[int, dict]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalInputError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise EvalInputError(f"{path}: is not UTF-8 text") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalInputError(
                f"{path}: line {number}: not valid JSON (column {exc.colno}: {exc.msg})"
            ) from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise EvalInputError(f"{path}: line {number}: expected an object with a 'text' string")
        yield number, record


def read_labelled(path: Path) -> list[Labelled]:
    """Labelled messages of a JSON Lines file; unknown labels are an error naming the line."""
    out = []
    for number, record in _records(Path(path)):
        labels = record.get("labels")
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise EvalInputError(f"{path}: line {number}: 'labels' must be a list of categories")
        unknown = sorted(set(labels) - set(CATEGORIES))
        if unknown:
            raise EvalInputError(
                f"{path}: line {number}: unknown label(s) {unknown}: use {list(CATEGORIES)}"
            )
        out.append(Labelled(record["text"], frozenset(labels), number))
    return out


def read_texts(path: Path) -> list[str]:
    """The 'text' of every line of a JSON Lines file (labels, if any, are ignored)."""
    return [record["text"] for _, record in _records(Path(path))]


def evaluate(
    gold: Sequence[frozenset[str]],
    predicted: Sequence[Iterable[str]],
    hits: Sequence[Sequence[RuleHit]],
    rule_categories: Mapping[str, str],
    unlabelled_predicted: Sequence[Iterable[str]] | None = None,
) -> EvalReport:
    """Counts per category and per rule (`rule_categories`: every rule id -> its category)."""
    per_category = {c: Counts() for c in CATEGORIES}
    per_rule = {r: Counts() for r in rule_categories}
    micro = Counts()
    innocent = innocent_flagged = 0
    for labels, guessed, message_hits in zip(gold, predicted, hits, strict=True):
        guessed = set(guessed)
        for category, counts in per_category.items():
            if category in guessed and category in labels:
                counts.tp += 1
                micro.tp += 1
            elif category in guessed:
                counts.fp += 1
                micro.fp += 1
            elif category in labels:
                counts.fn += 1
                micro.fn += 1
        if not labels:
            innocent += 1
            innocent_flagged += bool(guessed)
        fired = {h.rule_id for h in message_hits}
        for rule_id, category in rule_categories.items():
            counts = per_rule[rule_id]
            if rule_id in fired:
                if category in labels:
                    counts.tp += 1
                else:
                    counts.fp += 1
            elif category in labels:
                counts.fn += 1
    report = EvalReport(len(gold), innocent, innocent_flagged, per_category, per_rule, micro=micro)
    if unlabelled_predicted is not None:
        flags = [bool(set(p)) for p in unlabelled_predicted]
        report.unlabelled, report.unlabelled_flagged = len(flags), sum(flags)
    return report


def predict(
    scorer: RuleScorer, texts: Sequence[str], thresholds: Mapping[str, float]
) -> tuple[list[list[str]], list[list[RuleHit]]]:
    """(labels, hits) of each text."""
    hits = scorer.hits_many(texts)
    return [labels_of(category_scores(h), thresholds) for h in hits], hits


def evaluate_files(
    scorer: RuleScorer,
    thresholds: Mapping[str, float],
    labelled: Sequence[Labelled],
    unlabelled: Sequence[str] | None = None,
) -> EvalReport:
    """Score the messages and count against their labels."""
    predicted, hits = predict(scorer, [m.text for m in labelled], thresholds)
    unlabelled_predicted = None
    if unlabelled is not None:
        unlabelled_predicted, _ = predict(scorer, unlabelled, thresholds)
    return evaluate(
        [m.labels for m in labelled],
        predicted,
        hits,
        {r.id: r.category for r in scorer.rules},
        unlabelled_predicted,
    )


def format_report(report: EvalReport, all_rules: bool = False) -> str:
    """Plain-text tables: per category, then per rule (rules that fired, unless `all_rules`)."""
    lines = [
        f"{report.messages} labelled messages, {report.innocent} innocent",
        "",
        f"{'category':<24}{'support':>8}{'TP':>5}{'FP':>5}{'FN':>5}"
        f"{'precision':>11}{'recall':>8}{'F1':>7}",
    ]
    for category, c in report.per_category.items():
        lines.append(
            f"{category:<24}{c.support:>8}{c.tp:>5}{c.fp:>5}{c.fn:>5}"
            f"{c.precision:>11.3f}{c.recall:>8.3f}{c.f1:>7.3f}"
        )
    lines += [
        "",
        f"macro F1 {report.macro_f1:.3f}   macro precision {report.macro_precision:.3f}   "
        f"micro P/R/F1 {report.micro.precision:.3f}/{report.micro.recall:.3f}/"
        f"{report.micro.f1:.3f}",
        f"false-positive rate on innocent messages: {report.fp_rate:.1%} "
        f"({report.innocent_flagged}/{report.innocent})",
    ]
    if report.unlabelled is not None:
        lines.append(
            f"false-positive rate on unlabelled messages: {report.unlabelled_fp_rate or 0:.1%} "
            f"({report.unlabelled_flagged}/{report.unlabelled})"
        )
    lines += ["", f"{'rule':<52}{'fired':>6}{'TP':>5}{'FP':>5}{'precision':>11}{'recall':>8}"]
    for rule_id, c in sorted(report.per_rule.items()):
        if c.tp + c.fp or all_rules:
            lines.append(
                f"{rule_id:<52}{c.tp + c.fp:>6}{c.tp:>5}{c.fp:>5}"
                f"{c.precision:>11.3f}{c.recall:>8.3f}"
            )
    return "\n".join(lines)


def load_rule_set(
    rules_dir: Path | None = None, thresholds: Path | None = None
) -> tuple[RuleScorer, dict[str, float]]:
    """The compiled rules of `rules_dir` (default models/rules) and the label thresholds
    (default `thresholds.yaml` of `rules_dir` when it has one, else models/rules'); raises
    RuleFileError naming the file and rule."""
    from models.rules.loader import rule_files
    from models.rules.schema import RuleFileError
    from models.rules.thresholds import THRESHOLDS_FILE, load_thresholds

    if not rule_files(rules_dir):
        raise RuleFileError(rules_dir or "models/rules", None, "holds no rule files (*.yaml)")
    if thresholds is None and rules_dir is not None:
        local = Path(rules_dir) / THRESHOLDS_FILE.name
        thresholds = local if local.is_file() else None
    return RuleScorer.from_directory(rules_dir), load_thresholds(thresholds)
