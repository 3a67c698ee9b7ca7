"""gold.alerts: one open alert per conversation and category, stable ids, idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest
from detection_frames import CONFIG, KeywordScorer, at, day, message, messages

from pipelines.detection.alerts import ALERTS_SCHEMA, alert_id, closed_alerts, derive_alerts
from pipelines.detection.category_scores import score_categories
from pipelines.detection.conversation_scores import score_conversations
from pipelines.detection.message_scores import score_messages
from pipelines.detection.signals import SIGNALS_SCHEMA
from pipelines.detection.signals.rows import signal_row

CHAT_A, CHAT_B = "C-00000000000000a1", "C-00000000000000b2"
NO_SIGNALS = pl.DataFrame(schema=SIGNALS_SCHEMA)


def conversations(rows: list[dict]) -> pl.DataFrame:
    silver = messages(rows)
    flags = score_categories(score_messages(silver, KeywordScorer()), KeywordScorer())
    return score_conversations(flags, silver, CONFIG)


HISTORY = [
    message(1, at(0), text="precisa de um agrado pro cartório"),
    message(2, at(0, 3), "P-0000000000c1", "combinado"),
    message(3, at(2), text="e o agrado? já separou?"),
    message(4, at(2, 1), text="me chama no telegram"),
    message(5, at(3), text="vai uma propina", chat=CHAT_B),
    message(6, at(4), text="só um cafezinho"),  # 0.3: below the alert threshold
]


def test_one_alert_per_conversation_and_category_across_days():
    alerts = derive_alerts(conversations(HISTORY), NO_SIGNALS, CONFIG)
    assert alerts.schema == ALERTS_SCHEMA
    keys = alerts.select("chat_id", "category").rows()
    assert sorted(keys) == [(CHAT_A, "bribery"), (CHAT_A, "off_channel"), (CHAT_B, "bribery")]
    bribery = alerts.filter(chat_id=CHAT_A, category="bribery").row(0, named=True)
    assert bribery["alert_id"] == alert_id(CHAT_A, "bribery", day(0))
    assert bribery["event_date"] == day(0) and bribery["last_event_date"] == day(2)
    assert bribery["days"] == 2
    assert bribery["first_seen"] == at(0) and bribery["last_seen"] == at(2)
    assert bribery["message_ids"] == ["M-0000000000000001", "M-0000000000000003"]
    assert bribery["score"] == pytest.approx(0.6 + 0.6 * 0.4)  # day 0, accepted
    assert bribery["severity"] == "medium"
    assert bribery["status"] == "open"
    assert "agrado" in bribery["snippet"]
    assert "accepted" in bribery["reason"] and "bribery.t.agrado" in bribery["reason"]


def test_below_threshold_days_open_nothing():
    alerts = derive_alerts(
        conversations([message(1, at(0), text="um cafezinho")]), NO_SIGNALS, CONFIG
    )
    assert alerts.is_empty()


def test_a_refused_request_can_fall_below_the_threshold():
    rows = [
        message(1, at(0), text="um agrado?"),
        message(2, at(0, 1), "P-0000000000c1", "não faço isso"),
    ]
    assert derive_alerts(conversations(rows), NO_SIGNALS, CONFIG).is_empty()


def test_rerun_and_input_order_give_the_same_alerts():
    scores = conversations(HISTORY)
    once = derive_alerts(scores, NO_SIGNALS, CONFIG)
    again = derive_alerts(scores.sample(fraction=1.0, shuffle=True, seed=3), NO_SIGNALS, CONFIG)
    assert once.equals(again)


def test_a_new_day_updates_the_alert_and_keeps_its_id():
    before = derive_alerts(conversations(HISTORY[:2]), NO_SIGNALS, CONFIG)
    after = derive_alerts(conversations(HISTORY[:3]), NO_SIGNALS, CONFIG)
    assert before["alert_id"].to_list() == after["alert_id"].to_list()
    assert after["days"].item() == 2 and after["last_seen"].item() == at(2)


def test_a_closed_alert_stays_closed_and_later_evidence_opens_a_new_one():
    scores = conversations(HISTORY)
    first = alert_id(CHAT_A, "bribery", day(0))
    alerts = derive_alerts(scores, NO_SIGNALS, CONFIG, closed={first: day(1)})
    bribery = alerts.filter(chat_id=CHAT_A, category="bribery").sort("event_date")
    assert bribery["alert_id"].to_list() == [first, alert_id(CHAT_A, "bribery", day(2))]
    assert bribery["message_ids"].to_list() == [["M-0000000000000001"], ["M-0000000000000003"]]


def test_closed_alerts_from_reviews():
    def review(alert: str, status: str, day_of_month: int) -> dict:
        return {
            "alert_id": alert,
            "status": status,
            "at": datetime(2026, 10, day_of_month, tzinfo=UTC),
        }

    reviews = pl.DataFrame(
        [
            review("A-1", "in_review", 6),
            review("A-1", "resolved", 7),
            review("A-2", "resolved", 8),
            review("A-3", "resolved", 1),
            review("A-3", "open", 2),  # reopened
            review("A-4", "escalated", 3),
        ]
    )
    assert closed_alerts(reviews) == {"A-1": date(2026, 10, 7), "A-2": date(2026, 10, 8)}
    assert closed_alerts(pl.DataFrame({"alert_id": ["A-1"]})) == {}


def _signal(kind: str, score: float, chat: str | None, n: int = 1):
    return signal_row(
        kind,
        day(n),
        score=score,
        chat_id=chat,
        reason=f"{kind} test",
        message_ids=["M-00000000000000ff"] if chat else [],
        first_seen=at(n),
        last_seen=at(n),
    )


@pytest.mark.parametrize(
    ("signal", "alerts"),
    [
        (_signal("volume_drop", 0.85, CHAT_B), 1),
        (_signal("volume_drop", 0.5, CHAT_B), 0),  # below signals.alert_min_score
        (_signal("calls_without_messages", 0.9, None), 0),  # no conversation to attach to
    ],
)
def test_strong_signals_raise_off_channel_alerts(signal, alerts):
    frame = pl.DataFrame([signal], schema=SIGNALS_SCHEMA)
    found = derive_alerts(pl.DataFrame(schema=conversations([]).schema), frame, CONFIG)
    assert found.height == alerts
    if alerts:
        row = found.row(0, named=True)
        assert row["category"] == "off_channel" and row["signal_ids"] == [signal["signal_id"]]
        assert row["message_ids"] == ["M-00000000000000ff"] and row["snippet"] is None
        assert "volume_drop" in row["reason"]


def test_a_signal_joins_the_open_text_alert_of_its_conversation():
    frame = pl.DataFrame([_signal("deleted_burst", 0.8, CHAT_A, n=5)], schema=SIGNALS_SCHEMA)
    alerts = derive_alerts(conversations(HISTORY), frame, CONFIG)
    off = alerts.filter(chat_id=CHAT_A, category="off_channel").row(0, named=True)
    assert off["days"] == 2 and off["last_event_date"] == day(5)
    assert off["signal_ids"] == [frame["signal_id"].item()]
    assert off["score"] == pytest.approx(0.8)
    assert "telegram" in off["snippet"]  # text evidence keeps the snippet
