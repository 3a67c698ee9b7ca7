"""What the detection code writes obeys the tables' contracts (schema and every rule)."""

from __future__ import annotations

import polars as pl
import pytest
from detection_frames import CLIENT, CONFIG, KeywordScorer, at, call, calls, day, message, messages

from data_contracts import contract_for
from data_contracts.validation import validate_frame
from pipelines.detection.alerts import derive_alerts
from pipelines.detection.category_scores import score_categories
from pipelines.detection.conversation_scores import score_conversations
from pipelines.detection.message_scores import score_messages
from pipelines.detection.signals import SIGNALS_SCHEMA, detect_signals


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    rows = [
        message(1, at(0), text="precisa de um agrado, depois apaga e vamos pro telegram"),
        message(2, at(0, 2), CLIENT, "combinado"),
        message(3, at(1), text="a propina já foi"),
        message(4, at(1, 1), CLIENT, "não faço isso"),
        *[message(100 + d, at(d - 8), CLIENT, "ok") for d in range(8)],
        *[message(200 + i, at(2, i), deleted=True) for i in range(4)],
    ]
    silver = messages(rows)
    flagged = score_messages(silver, KeywordScorer())
    categories = score_categories(flagged, KeywordScorer())
    conversations = score_conversations(categories, silver, CONFIG)
    off = categories.filter(pl.col("category") == "off_channel")
    signals = detect_signals(silver, off, calls([call(1, at(5))]), CONFIG, day(-10), day(10))
    alerts = derive_alerts(conversations, signals, CONFIG)
    return {
        "gold.message_category_scores": categories,
        "gold.conversation_scores": conversations,
        "gold.signals": signals,
        "gold.alerts": alerts,
    }


@pytest.mark.parametrize(
    "table",
    ["gold.message_category_scores", "gold.conversation_scores", "gold.signals", "gold.alerts"],
)
def test_frames_obey_their_contract(tables, table):
    frame = tables[table]
    assert frame.height > 0
    report = validate_frame(contract_for(table), frame)
    assert report.errors == [], [r.description for r in report.errors]


def test_every_signal_type_is_in_the_contract(tables):
    kinds = set(tables["gold.signals"]["signal_type"])
    assert {"deleted_burst", "calls_without_messages"} <= kinds
    assert set(SIGNALS_SCHEMA) == {c.name for c in contract_for("gold.signals").columns}


def test_a_broken_frame_fails_its_contract(tables):
    alerts = tables["gold.alerts"].with_columns(severity=pl.lit("urgent"))
    report = validate_frame(contract_for("gold.alerts"), alerts)
    assert any("severity" in r.description for r in report.errors)
