"""`vigia eval-rules`: per-category and per-rule figures for a labelled file."""

import json

import pytest

from pipelines.cli import main

LABELLED = [
    {"text": "apaga essa conversa", "labels": ["off_channel"]},
    {"text": "sei onde você mora", "labels": ["threat"]},
    {"text": "vc é uma inútil", "labels": ["harassment"]},
    {"text": "o prazo está me matando", "labels": []},
    {"text": "recebi uma ameaça, vou registrar boletim de ocorrência", "labels": []},
    {"text": "Bom dia, segue a petição", "labels": ["bribery"]},  # a miss on purpose
]


@pytest.fixture
def files(tmp_path):
    labelled = tmp_path / "dev.jsonl"
    labelled.write_text("\n".join(json.dumps(r) for r in LABELLED) + "\n", encoding="utf-8")
    unlabelled = tmp_path / "unl.jsonl"
    unlabelled.write_text('{"text": "ok"}\n{"text": "apaga essa conversa"}\n', encoding="utf-8")
    return labelled, unlabelled


def test_json_report(files, capsys):
    labelled, unlabelled = files
    assert main(["eval-rules", str(labelled), "--unlabelled", str(unlabelled), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["messages"] == 6 and report["innocent"] == 2
    assert report["innocent_flagged"] == 0 and report["fp_rate_innocent"] == 0.0
    assert report["unlabelled"] == 2 and report["unlabelled_flagged"] == 1
    cats = report["categories"]
    assert (cats["off_channel"]["tp"], cats["threat"]["tp"], cats["harassment"]["tp"]) == (1, 1, 1)
    assert cats["bribery"] == {**cats["bribery"], "tp": 0, "fn": 1, "recall": 0.0}
    # macro F1 over the four categories with labelled messages: three perfect, one missed
    assert report["macro_f1"] == pytest.approx(0.75)
    assert report["rules"]["off_channel.pt.apagar_registro"]["tp"] == 1


def test_text_report(files, capsys):
    labelled, _ = files
    assert main(["eval-rules", str(labelled)]) == 0
    out = capsys.readouterr().out
    assert "macro F1 0.750" in out and "off_channel.pt.apagar_registro" in out


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{"text": "segredo", "labels": ["fraude"]}\n', "line 1: unknown label(s) ['fraude']"),
        ("", "holds no labelled messages"),
    ],
)
def test_bad_input_is_a_user_error(tmp_path, capsys, content, fragment):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    assert main(["eval-rules", str(path)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "segredo" not in err


def test_missing_file_is_a_user_error(tmp_path, capsys):
    assert main(["eval-rules", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot be read" in capsys.readouterr().err
