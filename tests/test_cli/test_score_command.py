"""`vigia score`: JSON Lines in, labels, scores and rule hits out; bad lines by number only."""

import io
import json

import pytest

from models.rules.schema import CATEGORIES
from pipelines.cli import main

KEY_HEX = "5a" * 32


def run(monkeypatch, capsys, lines, *args):
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["score", *args])
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        (
            "o assessor do juiz quer R$ 30 mil, fala com [PESSOA P-3f9a1c2b0d4e]",
            ["bribery", "judicial_corruption"],
        ),
        ("apaga essa conversa", ["off_channel"]),
        ("delete this chat after you read it", ["off_channel"]),
        ("sé dónde vives", ["threat"]),
        ("o prazo está me matando", []),
        ("Bom dia, segue a petição em anexo", []),
    ],
)
def test_redacted_input_is_scored_as_is(monkeypatch, capsys, text, labels):
    code, [row], err = run(
        monkeypatch, capsys, [json.dumps({"id": "m1", "text": text})], "--redacted"
    )
    assert code == 0
    assert row["id"] == "m1" and row["labels"] == labels
    assert set(row["scores"]) == set(CATEGORIES)
    assert {c for c, s in row["scores"].items() if s >= 0.5} == set(labels)
    for hit in row["rules"]:
        assert set(hit) == {"id", "category", "start", "end"}
        assert 0 <= hit["start"] < hit["end"] <= len(text)
    assert "text_redacted" not in row
    assert "1 records scored" in err


def test_raw_input_is_redacted_first_and_offsets_point_into_the_redacted_text(
    monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("VIGIA_KEY", KEY_HEX)
    monkeypatch.setenv("VIGIA_LANDING_DIR", str(tmp_path))
    text = "me chama no 11 91234-5678, é meu pessoal. apaga essa conversa"
    code, [row], _ = run(monkeypatch, capsys, [json.dumps({"id": 7, "text": text})])
    assert code == 0
    redacted = row["text_redacted"]
    assert "91234" not in redacted and "[TELEFONE P-" in redacted
    assert "off_channel" in row["labels"]
    snippets = {redacted[h["start"] : h["end"]] for h in row["rules"]}
    assert "apaga essa conversa" in snippets


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("me liga 11 91234-5678", "not valid JSON"),
        ('{"id": "x"}', "missing field(s): text"),
        ('{"id": [1], "text": "oi"}', "field 'id' must be a string or an integer"),
    ],
)
def test_bad_lines_are_skipped_and_named_by_number(monkeypatch, capsys, line, problem):
    code, rows, err = run(monkeypatch, capsys, ['{"id": 1, "text": "oi"}', line], "--redacted")
    assert code == 1
    assert [r["id"] for r in rows] == [1]
    assert f"line 2: {problem}" in err and "91234" not in err


def test_a_broken_rule_directory_is_a_user_error(monkeypatch, capsys, tmp_path):
    (tmp_path / "threat.pt-BR.yaml").write_text("category: threat\nrules: [\n", encoding="utf-8")
    code, rows, err = run(monkeypatch, capsys, ['{"id": 1, "text": "oi"}'], "--redacted",
                          "--rules-dir", str(tmp_path))  # fmt: skip
    assert code == 2 and rows == []
    assert "threat.pt-BR.yaml" in err and "not valid YAML" in err
