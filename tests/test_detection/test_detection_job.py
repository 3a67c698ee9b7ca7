"""The real Dagster jobs on a small generated firm: alerts exist, point at real messages, are
the same after a re-run, and their notifications carry no personal data."""

from __future__ import annotations

import json
import re
from datetime import date

import dagster as dg
import polars as pl
import pytest

from pipelines import lake
from pipelines.definitions import build_defs
from pipelines.defs.detection.sensors import NotifierResource, alert_notifications
from pipelines.defs.resources import default_resources
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.synthetic.law_firm import generate

TEST_KEY = "5c" * 32
DETECTION = (
    "gold.message_scores",
    "gold.message_category_scores",
    "gold.conversation_scores",
    "gold.signals",
    "gold.alerts",
)


@pytest.fixture(scope="module")
def firm(tmp_path_factory):
    root = tmp_path_factory.mktemp("detection_firm")
    generate(root, days=10, employees=6, clients=30, seed=23, end=date(2026, 10, 30))
    settings = Settings(lakehouse_uri=str(root / "lakehouse"), landing_dir=root / "landing")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_KEY", TEST_KEY)
        patch.setenv("VIGIA_VAULT_KEY_FILE", str(root / "vault.key"))
        patch.delenv("DAGSTER_HOME", raising=False)
        patch.delenv("VIGIA_DETECTION_FILE", raising=False)
        defs = build_defs(settings)
        first = run_pipeline(defs, settings.lakehouse_uri)
        tables = {name: lake.read_table(name, settings.lakehouse_uri) for name in DETECTION}
        # re-run the last days (a partition range re-run): every table must come out the same
        second = run_pipeline(
            defs, settings.lakehouse_uri, dates=(date(2026, 10, 27), date(2026, 10, 30))
        )
        again = {name: lake.read_table(name, settings.lakehouse_uri) for name in DETECTION}
        resources = {
            **default_resources(settings),
            "notifier": NotifierResource(channels="outbox", outbox_dir=str(root / "outbox")),
        }
        tick = alert_notifications(dg.build_sensor_context(resources=resources))
    return {
        "root": root,
        "base": settings.lakehouse_uri,
        "runs": (first, second),
        "tables": tables,
        "again": again,
        "tick": tick,
    }


def test_the_runs_succeed_and_alerts_exist(firm):
    for run in firm["runs"]:
        assert run.success, run.failed_checks + run.failed_steps
    alerts = firm["tables"]["gold.alerts"]
    assert alerts.height > 0
    assert alerts.select("chat_id", "category").is_duplicated().sum() == 0
    assert alerts["alert_id"].n_unique() == alerts.height
    assert set(alerts["severity"]) <= {"low", "medium", "high"}
    assert (alerts["status"] == "open").all()


def test_alerts_reference_existing_messages(firm):
    alerts = firm["tables"]["gold.alerts"]
    silver = set(lake.read_table("silver.messages", firm["base"], ["message_id"])["message_id"])
    referenced = set(alerts["message_ids"].explode().drop_nulls())
    assert referenced and referenced <= silver
    flagged = set(firm["tables"]["gold.message_scores"]["message_id"])
    from_rules = alerts.filter(pl.col("rule_ids").list.len() > 0)
    assert from_rules.height > 0
    for ids in from_rules["message_ids"]:
        assert set(ids) & flagged, "a text alert points at a flagged message"


def test_snippets_come_from_the_redacted_text(firm):
    alerts = firm["tables"]["gold.alerts"].filter(pl.col("snippet").is_not_null())
    texts = lake.read_table("silver.messages", firm["base"], ["text_redacted"])["text_redacted"]
    joined = "\n".join(t for t in texts.to_list() if t)
    for snippet in alerts["snippet"]:
        assert snippet.strip("…") in joined


def test_conversation_scores_and_category_rows_agree(firm):
    categories = firm["tables"]["gold.message_category_scores"]
    conversations = firm["tables"]["gold.conversation_scores"]
    assert set(conversations["message_ids"].explode()) <= set(categories["message_id"])
    assert set(categories["message_id"]) <= set(firm["tables"]["gold.message_scores"]["message_id"])
    assert conversations["score"].is_between(0, 1).all()


def test_a_rerun_gives_the_same_rows_and_alert_ids(firm):
    for name in DETECTION:
        key = [
            c
            for c in ("alert_id", "signal_id", "message_id", "chat_id", "category")
            if c in firm["tables"][name].columns
        ]
        before = firm["tables"][name].sort(key)
        after = firm["again"][name].sort(key)
        assert before.equals(after), name


def test_the_sensor_notifies_the_alerts_without_personal_data(firm):
    alerts = firm["tables"]["gold.alerts"].filter(pl.col("severity").is_in(["medium", "high"]))
    files = sorted((firm["root"] / "outbox").glob("*.json"))
    assert alerts.height > 0
    assert sorted(p.stem for p in files) == sorted(alerts["alert_id"])
    assert json.loads(firm["tick"].cursor)["version"] >= 0
    people = pl.read_csv(firm["root"] / "ground_truth" / "people.csv", infer_schema=False)
    identifiers = set()
    for row in people.iter_rows(named=True):
        for column in ("name", "phone_e164", "phone_as_written", "email"):
            if row.get(column) and len(row[column]) >= 6:
                identifiers.add(row[column].lower())
        if row.get("phone_e164"):
            identifiers.update({row["phone_e164"].lstrip("+"), row["phone_e164"][3:]})
    text = "\n".join(p.read_text(encoding="utf-8") for p in files).lower()
    leaks = [v for v in identifiers if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text)]
    assert leaks == []
