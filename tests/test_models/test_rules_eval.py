"""pipelines/detection/rule_eval.py: counting, reading labelled files, formatting."""

import json
from pathlib import Path

import pytest

from models.rules.scorer import RuleHit
from pipelines.detection.rule_eval import (
    Counts,
    EvalInputError,
    evaluate,
    format_report,
    read_labelled,
    read_texts,
)

RULES = {"threat.a": "threat", "threat.b": "threat", "bribery.a": "bribery"}


def _hit(rule_id: str) -> RuleHit:
    return RuleHit(rule_id, RULES[rule_id], "high", 1.0, 0, 1)


def test_counts_per_category_per_rule_and_false_positive_rates():
    gold = [
        frozenset({"threat"}),
        frozenset({"threat"}),
        frozenset(),
        frozenset(),
        frozenset({"bribery"}),
    ]
    predicted = [["threat"], [], ["bribery"], [], ["bribery", "threat"]]
    hits = [
        [_hit("threat.a")],
        [_hit("threat.b")],  # fired below the threshold: a rule TP, not a category TP
        [_hit("bribery.a")],
        [],
        [_hit("bribery.a"), _hit("threat.a")],
    ]
    report = evaluate(gold, predicted, hits, RULES, unlabelled_predicted=[[], ["threat"], [], []])
    threat, bribery = report.per_category["threat"], report.per_category["bribery"]
    assert (threat.tp, threat.fp, threat.fn) == (1, 1, 1)
    assert (bribery.tp, bribery.fp, bribery.fn) == (1, 1, 0)
    assert threat.precision == pytest.approx(0.5) and bribery.recall == pytest.approx(1.0)
    rule_a, rule_b = report.per_rule["threat.a"], report.per_rule["threat.b"]
    assert (rule_a.tp, rule_a.fp, rule_a.fn) == (1, 1, 1)
    assert (rule_b.tp, rule_b.fp, rule_b.fn) == (1, 0, 1)
    # macro F1 averages only categories that have labelled messages
    assert report.macro_f1 == pytest.approx((threat.f1 + bribery.f1) / 2)
    assert (report.innocent, report.innocent_flagged) == (2, 1)
    assert report.fp_rate == pytest.approx(0.5)
    assert report.unlabelled_fp_rate == pytest.approx(0.25)
    data = report.to_dict()
    assert data["categories"]["threat"]["support"] == 2
    assert data["rules"]["bribery.a"]["fp"] == 1
    text = format_report(report)
    assert "macro F1" in text and "threat.a" in text


@pytest.mark.parametrize(
    ("counts", "precision", "recall", "f1"),
    [
        (Counts(0, 0, 0), 0.0, 0.0, 0.0),
        (Counts(2, 2, 0), 0.5, 1.0, 2 / 3),
        (Counts(0, 3, 4), 0.0, 0.0, 0.0),
    ],
)
def test_counts_ratios(counts, precision, recall, f1):
    assert (counts.precision, counts.recall) == (pytest.approx(precision), pytest.approx(recall))
    assert counts.f1 == pytest.approx(f1)


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_labelled_and_plain_files(tmp_path):
    path = _write(
        tmp_path,
        [
            json.dumps({"text": "oi", "labels": []}),
            "",
            json.dumps({"text": "x", "labels": ["threat"]}),
        ],
    )
    rows = read_labelled(path)
    assert [(r.text, set(r.labels), r.line) for r in rows] == [
        ("oi", set(), 1),
        ("x", {"threat"}, 3),
    ]
    assert read_texts(path) == ["oi", "x"]


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("meu cpf 529", "line 1: not valid JSON"),
        ('{"labels": []}', "line 1: expected an object with a 'text' string"),
        ('{"text": "segredo", "labels": "threat"}', "line 1: 'labels' must be a list"),
        ('{"text": "segredo", "labels": ["fraud"]}', "line 1: unknown label(s) ['fraud']"),
    ],
)
def test_bad_lines_name_file_and_line_not_the_text(tmp_path, line, fragment):
    path = _write(tmp_path, [line])
    with pytest.raises(EvalInputError) as caught:
        read_labelled(path)
    assert fragment in str(caught.value) and "set.jsonl" in str(caught.value)
    assert "segredo" not in str(caught.value) and "529" not in str(caught.value)
