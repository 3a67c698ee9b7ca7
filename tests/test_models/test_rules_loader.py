from pathlib import Path

import pytest

from models.rules.loader import load_abbreviations, load_rules
from models.rules.schema import CATEGORIES, SEVERITY_WEIGHTS, RuleFileError, fold, fold_with_offsets

GOOD = """\
category: bribery
language: pt-BR
exclusions: ["noticia"]
rules:
  - id: bribery.t.one
    description: test rule
    severity: high
    phrases: ["Propina"]
    patterns:
      - [{NORM: {IN: [pagar, "Juíza"]}}, {OP: "{0,2}"}, {NORM: "escrivão"}]
    exclusions: ["denúncia"]
"""


def _rule_yaml(body: str, category: str = "bribery") -> str:
    return f"category: {category}\nlanguage: pt-BR\nrules:\n{body}"


def test_default_rule_files_load_and_cover_every_category():
    rules = load_rules()
    assert {r.category for r in rules} == set(CATEGORIES)
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert rule.weight == SEVERITY_WEIGHTS[rule.severity]
        assert rule.phrases or rule.patterns or rule.near
        assert rule.source == f"{rule.category}.{rule.language}.yaml"


@pytest.mark.parametrize("language", ["pt-BR", "en", "es"])
def test_language_filter(language):
    rules = load_rules(languages=[language])
    assert {r.category for r in rules} == set(CATEGORIES)
    assert {r.language for r in rules} == {language}


def test_unknown_language_filter_loads_nothing():
    assert load_rules(languages=["fr"]) == []


def test_phrases_patterns_and_exclusions_are_folded(tmp_path: Path):
    (tmp_path / "bribery.pt-BR.yaml").write_text(GOOD, encoding="utf-8")
    [rule] = load_rules(tmp_path)
    assert rule.phrases == ("propina",)
    assert rule.patterns[0][0] == {"NORM": {"IN": ["pagar", "juiza"]}}
    assert rule.patterns[0][2] == {"NORM": "escrivao"}
    # file-level exclusions apply to every rule of the file
    assert rule.exclusions == ("noticia", "denuncia")


@pytest.mark.parametrize(
    ("files", "bad_file", "rule_id", "fragment"),
    [
        (  # missing id
            {
                "bribery.pt-BR.yaml": _rule_yaml(
                    "  - description: x\n    severity: high\n    phrases: [a]\n"
                )
            },
            "bribery.pt-BR.yaml",
            "rules[0]",
            "no 'id'",
        ),
        (  # duplicate id across files
            {
                "bribery.pt-BR.yaml": _rule_yaml(
                    "  - id: bribery.x\n    description: x\n    severity: low\n    phrases: [a]\n"
                ),
                "bribery.en.yaml": _rule_yaml(
                    "  - id: bribery.x\n    description: x\n    severity: low\n    phrases: [b]\n"
                ).replace("pt-BR", "en"),
            },
            "bribery.pt-BR.yaml",
            "bribery.x",
            "duplicate id, already defined in bribery.en.yaml",
        ),
        (  # bad severity
            {
                "threat.pt-BR.yaml": _rule_yaml(
                    "  - id: threat.x\n    description: x\n"
                    "    severity: critical\n    phrases: [a]\n",
                    "threat",
                )
            },
            "threat.pt-BR.yaml",
            "threat.x",
            "severity must be one of",
        ),
        (  # pattern that does not compile
            {
                "threat.pt-BR.yaml": _rule_yaml(
                    "  - id: threat.x\n    description: x\n    severity: low\n"
                    "    patterns:\n      - [{NORM: {INN: [a]}}]\n",
                    "threat",
                )
            },
            "threat.pt-BR.yaml",
            "threat.x",
            "patterns[0]' does not compile",
        ),
        (  # bad operator
            {
                "threat.pt-BR.yaml": _rule_yaml(
                    "  - id: threat.x\n    description: x\n    severity: low\n"
                    '    patterns:\n      - [{NORM: a}, {OP: "{x}"}]\n',
                    "threat",
                )
            },
            "threat.pt-BR.yaml",
            "threat.x",
            "does not compile",
        ),
        (  # neither phrases nor patterns
            {
                "threat.pt-BR.yaml": _rule_yaml(
                    "  - id: threat.x\n    description: x\n    severity: low\n    phrases: []\n",
                    "threat",
                )
            },
            "threat.pt-BR.yaml",
            "threat.x",
            "at least one entry",
        ),
        (  # empty phrase / a YAML boolean (bare `no`) instead of a string
            {
                "threat.pt-BR.yaml": _rule_yaml(
                    "  - id: threat.x\n    description: x\n"
                    "    severity: low\n    phrases: [a, no]\n",
                    "threat",
                )
            },
            "threat.pt-BR.yaml",
            "threat.x",
            "'phrases[1]' must be a non-empty string",
        ),
        (  # phrase made of punctuation only
            {
                "threat.pt-BR.yaml": _rule_yaml(
                    "  - id: threat.x\n    description: x\n"
                    '    severity: low\n    phrases: ["?!"]\n',
                    "threat",
                )
            },
            "threat.pt-BR.yaml",
            "threat.x",
            "has no words",
        ),
        (  # misspelt key
            {
                "threat.pt-BR.yaml": _rule_yaml(
                    "  - id: threat.x\n    description: x\n    severity: low\n    phrases: [a]\n"
                    "    exclusion: [b]\n",
                    "threat",
                )
            },
            "threat.pt-BR.yaml",
            "threat.x",
            "unknown key(s) ['exclusion']",
        ),
        (  # id of another category
            {
                "threat.pt-BR.yaml": _rule_yaml(
                    "  - id: bribery.x\n    description: x\n    severity: low\n    phrases: [a]\n",
                    "threat",
                )
            },
            "threat.pt-BR.yaml",
            "bribery.x",
            "must start with 'threat.'",
        ),
        (  # file name and content disagree
            {
                "threat.pt-BR.yaml": _rule_yaml(
                    "  - id: bribery.x\n    description: x\n    severity: low\n    phrases: [a]\n"
                )
            },
            "threat.pt-BR.yaml",
            None,
            "file name must match",
        ),
        (  # unknown category
            {
                "fraud.pt-BR.yaml": _rule_yaml(
                    "  - id: fraud.x\n    description: x\n    severity: low\n    phrases: [a]\n",
                    "fraud",
                )
            },
            "fraud.pt-BR.yaml",
            None,
            "category must be one of",
        ),
        (  # broken YAML
            {"threat.pt-BR.yaml": "category: threat\nrules: [\n  - id: x\n"},
            "threat.pt-BR.yaml",
            None,
            "is not valid YAML",
        ),
    ],
)
def test_broken_rule_files_raise_errors_naming_file_and_rule(
    tmp_path: Path, files: dict[str, str], bad_file: str, rule_id: str | None, fragment: str
):
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rules(tmp_path)
    error = caught.value
    assert Path(error.file).name == bad_file
    assert error.rule_id == rule_id
    assert bad_file in str(error)
    if rule_id:
        assert f"rule {rule_id}" in str(error)
    assert fragment in str(error)


def test_valid_files_next_to_each_other_load(tmp_path: Path):
    (tmp_path / "bribery.pt-BR.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "threat.pt-BR.yaml").write_text(
        _rule_yaml(
            "  - id: threat.y\n    description: y\n    severity: medium\n    phrases: [b]\n",
            "threat",
        ),
        encoding="utf-8",
    )
    assert [r.id for r in load_rules(tmp_path)] == ["bribery.t.one", "threat.y"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('abbreviations: {"vc": "voce", "pq": "porque"}', None),
        ('abbreviations: {"pfv": "por favor"}', "one word on each side"),
        ('abbreviations: ["vc"]', "'abbreviations' mapping"),
    ],
)
def test_abbreviation_tables(tmp_path: Path, body: str, fragment: str | None):
    (tmp_path / "abbreviations.pt-BR.yaml").write_text(body, encoding="utf-8")
    if fragment is None:
        assert load_abbreviations(tmp_path) == {"vc": "voce", "pq": "porque"}
        assert load_rules(tmp_path) == []  # the table is not a rule file
    else:
        with pytest.raises(RuleFileError, match=fragment):
            load_abbreviations(tmp_path)


def test_default_abbreviations_cover_common_whatsapp_forms():
    table = load_abbreviations()
    for short, full in {"vc": "voce", "pq": "porque", "tb": "tambem", "msg": "mensagem"}.items():
        assert table[short] == full


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Você SABE", "voce sabe"),
        ("AÇÃO à vista, pôr", "acao a vista, por"),
        ("JUÍZA, escrivã", "juiza, escriva"),
        ("ñ", "n"),
        ("plain ascii 123", "plain ascii 123"),
        ("emoji 👍🏽 ok", "emoji 👍🏽 ok"),
    ],
)
def test_fold_is_lowercase_unaccented_and_keeps_length(text: str, folded: str):
    assert fold(text) == folded
    assert fold_with_offsets(text) == (folded, None)


def test_fold_with_combining_marks_returns_an_offset_map():
    text = "Na\u0303o e\u0301"  # "Não é" written with combining marks (NFD)
    folded, offsets = fold_with_offsets(text)
    assert folded == "nao e"
    assert offsets is not None and len(offsets) == len(folded) + 1
    assert text[offsets[0] : offsets[3]] == "Na\u0303o"
    assert text[offsets[4] : offsets[5]] == "e\u0301"
