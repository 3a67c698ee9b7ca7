"""The Dagster code location loads, with every table as an asset and a check on each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs

# The tables the product promises (issues 2-8): each must be an asset of the code location.
PROMISED = {
    "bronze.whatsapp_messages", "bronze.call_records", "bronze.quarantine",
    "bronze.ingest_manifest", "bronze.cloud_api_messages", "bronze.cloud_api_statuses",
    "silver.messages", "silver.calls", "silver.participants",
    "gold.message_scores", "gold.contact_frequency_daily", "gold.contact_timing",
    "gold.call_volume_daily", "gold.misconduct_trend_weekly",
    "gold.message_category_scores", "gold.conversation_scores", "gold.alerts", "gold.signals",
    "silver.consents", "silver.dnc_registry", "gold.dnc_violations", "gold.consent_violations",
    "gold.security_alerts",
    "vault.identities",
}
# silver tables that are whole snapshots of reference data, rebuilt each run, not per date
SNAPSHOTS = {"participants", "consents", "dnc_registry", "reference_rejects"}


def test_code_location_loads_every_table_with_a_check():
    repo = defs.get_repository_def()
    graph = repo.asset_graph
    keys = {key.to_user_string().replace("/", ".") for key in graph.get_all_asset_keys()}
    assert keys >= PROMISED
    checked = {key.asset_key.to_user_string().replace("/", ".") for key in graph.asset_check_keys}
    assert sorted(keys - checked) == [], "add the table's data contract (data_contracts/)"


def test_silver_and_gold_are_daily_partitioned_with_groups():
    graph = defs.get_repository_def().asset_graph
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        layer = key.path[0]
        assert node.group_name == layer
        daily = isinstance(node.partitions_def, dg.DailyPartitionsDefinition)
        assert daily == (layer in ("silver", "gold") and key.path[1] not in SNAPSHOTS), key


def test_bronze_and_silver_checks_are_blocking():
    graph = defs.get_repository_def().asset_graph
    for check in graph.asset_check_keys:
        if check.asset_key.path[0] in ("bronze", "silver"):
            assert graph.get_check_spec(check).blocking, check


def test_dagster_validates_the_workspace(tmp_path):
    """What `dagster dev -w workspace.yaml` loads, checked by Dagster's own validator."""
    repo = Path(__file__).resolve().parents[1]
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate",
         "-w", "workspace.yaml"],
        cwd=repo, env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "All code locations passed validation" in done.stdout + done.stderr
