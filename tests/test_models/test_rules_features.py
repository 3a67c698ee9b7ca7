"""Rule-file features beyond phrases: near windows, entity tokens, FUZZY, `also`, thresholds."""

from pathlib import Path

import pytest

from models.rules.loader import load_rules
from models.rules.schema import CATEGORIES, RuleFileError
from models.rules.scorer import RuleScorer, category_scores
from models.rules.thresholds import labels_of, load_thresholds

RULES = """\
category: judicial_corruption
language: pt-BR
rules:
  - id: judicial_corruption.t.juiz_valor
    description: a judge near an amount
    severity: high
    also: [bribery]
    near:
      - window: 4
        words: [[juiz, juiza], ["<valor>"]]
  - id: judicial_corruption.t.proposta
    description: a typo-tolerant word
    severity: medium
    patterns:
      - [{NORM: {FUZZY: propina}}]
  - id: judicial_corruption.t.contato
    description: a person placeholder asked to call
    severity: low
    patterns:
      - [{NORM: {IN: [liga, chama]}}, {NORM: pro}, {NORM: "<pessoa>"}]
"""


@pytest.fixture(scope="module")
def scorer(tmp_path_factory) -> RuleScorer:
    folder = tmp_path_factory.mktemp("rules")
    (folder / "judicial_corruption.pt-BR.yaml").write_text(RULES, encoding="utf-8")
    return RuleScorer.from_directory(folder)


@pytest.mark.parametrize(
    ("text", "rule_ids"),
    [
        ("o juiz quer R$ 5 mil", {"judicial_corruption.t.juiz_valor"}),
        ("R$ 5 mil e o juiz resolve", {"judicial_corruption.t.juiz_valor"}),  # either order
        ("a JUÍZA, dez conto", {"judicial_corruption.t.juiz_valor"}),
        ("o juiz marcou a audiência pra sexta e depois pagamos R$ 5 mil", set()),  # too far
        ("o juiz marcou a audiência", set()),
        ("a propna chegou", {"judicial_corruption.t.proposta"}),  # one edit
        ("a porpina chegou", {"judicial_corruption.t.proposta"}),  # transposition
        ("a prpna chegou", set()),  # two edits
        ("liga pro [PESSOA P-3f9a1c2b0d4e]", {"judicial_corruption.t.contato"}),
        ("liga pro pessoa", set()),
    ],
)
def test_near_fuzzy_and_entity_tokens(scorer, text, rule_ids):
    assert {h.rule_id for h in scorer.hits(text)} == rule_ids


def test_also_counts_a_hit_for_both_categories(scorer):
    text = "o juiz quer R$ 5 mil"
    hits = scorer.hits(text)
    assert {h.category for h in hits} == {"judicial_corruption", "bribery"}
    assert category_scores(hits) == {"bribery": 1.0, "judicial_corruption": 1.0}
    [start] = {h.start for h in hits}
    [end] = {h.end for h in hits}
    assert text[start:end] == "juiz quer R$ 5 mil"


def _file(body: str) -> str:
    return (
        f"category: threat\nlanguage: pt-BR\nrules:\n  - id: threat.x\n    description: x\n{body}"
    )


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            "    severity: low\n    near: [{window: 0, words: [[a], [b]]}]\n",
            "window must be an integer",
        ),
        ("    severity: low\n    near: [{window: 3, words: [[a]]}]\n", "two or more word lists"),
        (
            "    severity: low\n    near: [{window: 3, words: [[a], []]}]\n",
            "non-empty list of single",
        ),
        ("    severity: low\n    near: [{window: 3, words: [[a b], [c]]}]\n", "single words"),
        ("    severity: low\n    near: [{window: 3}]\n", "mapping with window and words"),
        ("    severity: low\n    phrases: [a]\n    also: [threat]\n", "'also' must list other"),
        ("    severity: low\n    phrases: [a]\n    also: [fraud]\n", "'also' must list other"),
        ("    severity: low\n    patterns: [[{NORM: {FUZZY3: abc}}]]\n", "FUZZY3 or more"),
        ("    severity: low\n    patterns: [[{NORM: {IN: [a, off]}}]]\n", "quote them"),
        ('    severity: low\n    patterns: [[{NORM: "it\'s"}]]\n', "split by the tokenizer"),
    ],
)
def test_bad_new_keys_name_file_rule_and_fix(tmp_path: Path, body, fragment):
    (tmp_path / "threat.pt-BR.yaml").write_text(_file(body), encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rules(tmp_path)
    assert caught.value.rule_id == "threat.x"
    assert "threat.pt-BR.yaml" in str(caught.value) and fragment in str(caught.value)


def test_shipped_thresholds_cover_every_category():
    thresholds = load_thresholds()
    assert set(thresholds) == set(CATEGORIES)
    assert all(0 < t <= 1 for t in thresholds.values())


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("default: 0.5\ncategories: {bribery: 1.5}\n", "categories.bribery must be a number"),
        ("default: 0\n", "'default' must be a number in (0, 1]"),
        ("default: 0.5\ncategories: {fraud: 0.4}\n", "unknown categories ['fraud']"),
        ("default: 0.5\nlabels: {}\n", "'default' and 'categories' only"),
        ("default: [\n", "not valid YAML"),
    ],
)
def test_bad_thresholds_name_the_file_and_entry(tmp_path: Path, body, fragment):
    path = tmp_path / "thresholds.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_thresholds(path)
    assert "thresholds.yaml" in str(caught.value) and fragment in str(caught.value)


def test_default_applies_where_a_category_has_no_entry(tmp_path: Path):
    path = tmp_path / "thresholds.yaml"
    path.write_text("default: 0.7\ncategories: {threat: 0.3}\n", encoding="utf-8")
    thresholds = load_thresholds(path)
    assert thresholds["threat"] == 0.3 and thresholds["bribery"] == 0.7


@pytest.mark.parametrize(
    ("scores", "labels"),
    [
        ({"threat": 0.6, "bribery": 0.3}, ["threat"]),
        ({"threat": 0.5}, ["threat"]),  # at the threshold
        ({"threat": 0.49}, []),
        ({"bribery": 1.0, "threat": 0.51}, ["bribery", "threat"]),
        ({}, []),
    ],
)
def test_labels_are_the_categories_at_or_above_threshold(scores, labels):
    assert labels_of(scores, dict.fromkeys(CATEGORIES, 0.5)) == labels
