"""`vigia backtest` on a small lakehouse built by the pipeline from a hand-written chat export."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from models.rules.loader import load_rules
from pipelines import lake
from pipelines.cli import main
from pipelines.definitions import build_defs
from pipelines.detection.rule_backtest import candidate_rules, weekly_changes
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.synthetic.law_firm import generate

TEST_KEY = "6b" * 32
# (day, line): week 43 holds a threat the changed rule no longer catches, week 44 one only the
# new rule catches; the rest is ordinary traffic
CHAT = [
    ("20/10/2026 09:01", "Bom dia, segue a minuta do contrato"),
    ("20/10/2026 09:05", "Sei onde você mora, pensa bem"),
    ("21/10/2026 10:00", "apaga essa conversa"),
    ("27/10/2026 11:00", "Vou furar os pneus do seu carro"),
    ("27/10/2026 11:02", "Obrigado, até amanhã"),
]
CANDIDATE = """\
category: threat
language: pt-BR
rules:
  - id: threat.pt.sei_onde_mora
    description: narrowed on purpose so that it no longer matches the week-43 message
    severity: high
    phrases: ["sei o nome do seu cachorro"]
  - id: threat.pt.pneus
    description: a new rule for the week-44 message
    severity: high
    phrases: ["furar os pneus"]
"""


@pytest.fixture(scope="module")
def lakehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("firm")
    generate(root, days=1, employees=2, clients=2, seed=3, end=date(2026, 10, 30))
    with (root / "landing" / "reference" / "employees.csv").open(encoding="utf-8") as handle:
        employee = next(csv.DictReader(handle))
    export = root / "landing" / "whatsapp" / employee["employee_id"] / "Conversa do WhatsApp.txt"
    export.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{when} - {employee['name']}: {text}" for when, text in CHAT]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_KEY", TEST_KEY)
        patch.setenv("VIGIA_VAULT_KEY_FILE", str(root / "vault.key"))
        patch.delenv("DAGSTER_HOME", raising=False)
        result = run_pipeline(build_defs(settings), settings.lakehouse_uri)
    assert result.success, result.failed_checks + result.failed_steps
    candidate = tmp_path_factory.mktemp("candidate") / "threat.pt-BR.yaml"
    candidate.write_text(CANDIDATE, encoding="utf-8")
    return settings.lakehouse_uri, candidate


def test_backtest_reports_added_and_removed_messages_and_alerts_per_week(lakehouse, capsys):
    base, candidate = lakehouse
    messages = lake.read_table("silver.messages", base)
    assert messages.height >= len(CHAT)
    assert main(["backtest", str(candidate), "--lakehouse", base, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["replaced"] == ["threat.pt.sei_onde_mora"]
    assert report["added"] == ["threat.pt.pneus"]
    threat = {row["week"]: row for row in report["changes"] if row["category"] == "threat"}
    assert threat["2026-W43"] | {} == {
        **threat["2026-W43"], "flagged_before": 1, "flagged_after": 0, "added": 0, "removed": 1,
        "alerts_before": 1, "alerts_after": 0, "alerts_added": 0, "alerts_removed": 1,
    }  # fmt: skip
    assert (threat["2026-W44"]["added"], threat["2026-W44"]["removed"]) == (1, 0)
    assert threat["2026-W44"]["alerts_added"] == 1
    # other categories are scored by the same rules before and after: no change
    off = [row for row in report["changes"] if row["category"] == "off_channel"]
    assert off and all(row["added"] == row["removed"] == 0 for row in off)


def test_text_output_and_date_filter(lakehouse, capsys):
    base, candidate = lakehouse
    args = ["backtest", str(candidate), "--lakehouse", base, "--since", "2026-10-26"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "2026-W44" in out and "2026-W43" not in out
    assert "total: 1 messages added, 0 removed; 1 alerts added, 0 removed" in out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["models/rules/threat.pt-BR.yaml"], "is one of the live rule files"),
        (["/nonexistent/threat.pt-BR.yaml"], "no such rule file"),
    ],
)
def test_user_errors(lakehouse, capsys, args, fragment):
    base, _ = lakehouse
    assert main(["backtest", *args, "--lakehouse", base]) == 2
    assert fragment in capsys.readouterr().err


def test_missing_lakehouse_is_a_user_error(lakehouse, tmp_path, capsys):
    _, candidate = lakehouse
    assert main(["backtest", str(candidate), "--lakehouse", str(tmp_path / "empty")]) == 2
    assert "silver.messages" in capsys.readouterr().err


def test_candidate_rules_replace_same_ids_and_add_new_ones(lakehouse):
    _, candidate = lakehouse
    current = load_rules()
    result = candidate_rules(current, candidate)
    ids = [r.id for r in result.rules]
    assert len(ids) == len(set(ids)) == len(current) + 1
    [narrowed] = [r for r in result.rules if r.id == "threat.pt.sei_onde_mora"]
    assert narrowed.phrases == ("sei o nome do seu cachorro",)


def test_weekly_changes_with_no_labels_is_empty():
    import polars as pl

    messages = pl.DataFrame(
        {"message_id": ["a"], "chat_id": ["c"], "event_date": [date(2026, 1, 5)]}
    )
    assert weekly_changes(messages, [[]], [[]]).is_empty()
