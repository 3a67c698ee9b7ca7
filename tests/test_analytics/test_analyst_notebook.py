"""examples/analyst.ipynb runs, cell by cell in order, against a small generated lakehouse, and its
worked answer (lawyers' after-hours contacts with clients) is recomputed here message by message."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import polars as pl
import pytest

from pipelines import lake
from tests.test_analytics.small_firm import small_firm

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "analyst.ipynb"
TZ = "America/Sao_Paulo"


def code_cells() -> list[str]:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"]]


def test_notebook_is_stored_as_code_cells_without_outputs():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4 and len(notebook["cells"]) >= 5
    for cell in notebook["cells"]:
        assert cell["cell_type"] == "code"
        assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    root = small_firm(tmp_path_factory)
    base = str(root / "lakehouse")
    namespace: dict = {"__name__": "__notebook__"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LAKEHOUSE_URI", base)
        patch.setenv("VIGIA_TIMEZONE", TZ)
        patch.delenv("VIGIA_CALENDAR_FILE", raising=False)
        for number, source in enumerate(code_cells(), 1):
            exec(compile(source, f"{NOTEBOOK.name}[cell {number}]", "exec"), namespace)
    return {"base": base, "ns": namespace}


def test_polars_and_duckdb_cells_agree_with_the_tables(executed):
    ns, base = executed["ns"], executed["base"]
    calls = lake.read_table("gold.call_volume_daily", base)
    assert ns["calls_per_team"]["calls"].sum() == calls["calls"].sum()
    timing = lake.read_table("gold.contact_timing", base)
    assert ns["after_hours_by_team"]["contacts"].sum() == timing["contacts"].sum()
    top = ns["busiest_hours"].row(0, named=True)
    per_cell = timing.group_by("weekday", "hour").agg(pl.col("contacts").sum())
    assert top["contacts"] == per_cell["contacts"].max()


def test_time_travel_reads_version_zero(executed):
    ns, base = executed["ns"], executed["base"]
    assert ns["history"].height == lake.delta_table("gold.contact_timing", base).version() + 1
    assert ns["first_version"].height == ns["first_rows"] > 0
    assert set(ns["first_version"].columns) >= {"event_date", "contacts", "is_business_hours"}


def test_worked_answer_matches_a_message_by_message_count(executed):
    ns, base = executed["ns"], executed["base"]
    people = lake.read_table("silver.participants", base)
    lawyers = {
        r["token"]
        for r in people.iter_rows(named=True)
        if r["role"] == "employee" and (r["job_role"] or "").startswith(("Advogad", "Sóci"))
    }
    clients = {r["token"] for r in people.iter_rows(named=True) if r["role"] == "client"}
    zone, national = ZoneInfo(TZ), holidays.country_holidays("BR")
    expected: dict[str, Counter] = {}
    for table, at in (("silver.messages", "sent_at"), ("silver.calls", "started_at")):
        for r in lake.read_table(table, base).iter_rows(named=True):
            if table == "silver.messages" and r["kind"] != "message":
                continue
            if r["direction"] != "outbound" or r["counterpart_token"] not in clients:
                continue
            if r["employee_token"] not in lawyers:
                continue
            local = r[at].astimezone(zone)
            business = local.weekday() < 5 and 8 <= local.hour < 19 and local.date() not in national
            counts = expected.setdefault(r["employee_token"], Counter())
            counts["contacts"] += 1
            counts["after_hours"] += 0 if business else 1
    answer = ns["answer"]
    assert answer.height == len(expected) > 0
    for row in answer.iter_rows(named=True):
        want = expected[row["employee_token"]]
        assert (row["contacts"], row["after_hours"]) == (want["contacts"], want["after_hours"])
    after = answer["after_hours"].to_list()
    assert after == sorted(after, reverse=True)
