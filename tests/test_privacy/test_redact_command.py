"""`vigia redact`: JSON Lines in, redacted JSON Lines out, errors by line number only."""

import io
import json

import pytest

from pipelines.cli import main

KEY_HEX = "5a" * 32
EMPLOYEES = (
    "employee_id,name,phone,email,role,team,manager_id,extension\n"
    "E1,Ana Souza,+55 85 98204-7737,ana@firma.com.br,Advogada,Cível,,201\n"
)


@pytest.fixture
def env(tmp_path, monkeypatch):
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    monkeypatch.setenv("VIGIA_KEY", KEY_HEX)
    monkeypatch.setenv("VIGIA_LANDING_DIR", str(tmp_path))
    return tmp_path


def run(monkeypatch, capsys, lines):
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["redact", "--batch-size", "2"])
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    return code, rows, captured.err


def test_redacts_and_reports_offsets_labels_and_hashes(env, monkeypatch, capsys):
    text = "Ana Souza: (85) 98204-7737, cpf 529.982.247-25, processo 1058757-31.2024.8.26.0033"
    code, rows, err = run(
        monkeypatch, capsys, [json.dumps({"id": "m1", "text": text}), '{"id": 2, "text": "ok"}']
    )
    assert code == 0
    assert [r["id"] for r in rows] == ["m1", 2]
    entities = rows[0]["entities"]
    assert [e["label"] for e in entities] == ["PERSON", "PHONE", "CPF", "CNJ_PROCESS"]
    assert [text[e["start"] : e["end"]] for e in entities] == [
        "Ana Souza", "(85) 98204-7737", "529.982.247-25", "1058757-31.2024.8.26.0033"
    ]  # fmt: skip
    # the directory makes her name and her phone one pseudonym
    assert entities[0]["text_hash"] == entities[1]["text_hash"]
    for e in entities:
        assert e["text_hash"] in rows[0]["text_redacted"]
    for secret in ("Ana", "98204", "529.982", "1058757"):
        assert secret not in json.dumps(rows)
    assert rows[1] == {"id": 2, "text_redacted": "ok", "entities": []}
    assert "2 records redacted, 4 entities, 0 lines failed" in err


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("meu cpf é 529.982.247-25", "not valid JSON"),
        ('["529.982.247-25"]', "expected a JSON object"),
        ('{"id": "x"}', "missing field(s): text"),
        ('{"text": "cpf 529.982.247-25"}', "missing field(s): id"),
        ('{"id": "x", "text": 52998224725}', "field 'text' must be a string"),
        ('{"id": null, "text": "oi"}', "field 'id' must be a string or an integer"),
    ],
)
def test_bad_lines_are_named_by_number_and_skipped(env, monkeypatch, capsys, line, problem):
    code, rows, err = run(monkeypatch, capsys, ['{"id": 1, "text": "oi"}', line, ""])
    assert code == 1
    assert [r["id"] for r in rows] == [1]
    assert f"line 2: {problem}" in err
    assert "1 lines failed" in err
    assert "529" not in err  # the content of a bad line is never echoed


def test_bad_key_is_a_user_error(env, monkeypatch, capsys):
    monkeypatch.setenv("VIGIA_KEY", "short")
    code, rows, err = run(monkeypatch, capsys, ['{"id": 1, "text": "oi"}'])
    assert code == 2 and rows == []
    assert "VIGIA_KEY" in err
