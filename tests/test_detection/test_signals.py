"""gold.signals: each metadata signal fires on its pattern and stays quiet otherwise."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from detection_frames import (
    CLIENT,
    CONFIG,
    EMPLOYEE,
    KeywordScorer,
    at,
    call,
    calls,
    day,
    message,
    messages,
)

from pipelines.detection.category_scores import score_categories
from pipelines.detection.message_scores import score_messages
from pipelines.detection.signals import SIGNALS_SCHEMA, detect_signals

NO_CALLS = calls([])
K = CONFIG.signals.volume_drop.window_days  # 7


def run(rows, call_rows=(), first=-40, last=60, config=CONFIG):
    silver = messages(rows)
    flags = score_categories(score_messages(silver, KeywordScorer()), KeywordScorer())
    off = flags.filter(pl.col("category") == "off_channel")
    return detect_signals(silver, off, calls(list(call_rows)), config, day(first), day(last))


def chatter(days, per_day=2, start=1000, **kwargs):
    return [
        message(start + 10 * d + i, at(d, 30 * i), EMPLOYEE if i % 2 else CLIENT, "ok", **kwargs)
        for d in days
        for i in range(per_day)
    ]


OFF = message(1, at(0), text="melhor falar no telegram")


@pytest.mark.parametrize(
    ("after_days", "fires"),
    [
        ([], True),  # nothing written after the request
        ([3], True),  # 2 messages after vs 14 before: -86%
        ([1, 2, 3, 4, 5, 6, 7], False),  # same volume as before
    ],
)
def test_volume_drop_after_an_off_channel_flag(after_days, fires):
    rows = [OFF, *chatter(range(-K, 0)), *chatter(after_days)]
    found = run(rows).filter(signal_type="volume_drop")
    assert found.height == fires
    if fires:
        row = found.row(0, named=True)
        assert row["event_date"] == day(K)  # dated when the after-window is complete
        assert row["message_ids"] == [OFF["message_id"]]
        assert row["baseline"] == pytest.approx(2.0)
        assert row["score"] == pytest.approx(
            CONFIG.signals.volume_drop.weight * (1 - row["observed"] / row["baseline"])
        )
        assert "off_channel flag" in row["reason"]


def test_no_volume_drop_without_an_off_channel_flag_or_history():
    quiet_after = chatter(range(-K, 0))
    assert run(quiet_after).filter(signal_type="volume_drop").is_empty()
    assert run([OFF, *chatter([-1])]).filter(signal_type="volume_drop").is_empty()  # 2 < 6


def test_volume_drop_only_in_the_run_dates():
    rows = [OFF, *chatter(range(-K, 0))]
    assert run(rows, first=0, last=K - 1).filter(signal_type="volume_drop").is_empty()
    assert run(rows, first=K, last=K).filter(signal_type="volume_drop").height == 1


@pytest.mark.parametrize(
    ("active_days", "fires"),
    [
        (range(-13, 1), True),  # daily for 14 days, then nothing
        (range(-13, 1, 2), False),  # every other day: not a daily conversation
    ],
)
def test_silence_after_a_daily_conversation(active_days, fires):
    found = run(chatter(active_days, per_day=1), first=1, last=20).filter(signal_type="silence")
    assert found.height == fires
    if fires:
        assert found["event_date"].item() == day(CONFIG.signals.silence.min_silent_days)
        assert found["baseline"].item() == 14.0


def test_silence_that_ends_in_time_is_no_signal():
    rows = chatter(range(-13, 1), per_day=1) + chatter(range(3, 21), per_day=1, start=5000)
    assert run(rows, first=1, last=20).filter(signal_type="silence").is_empty()


def deletions(minutes: list[int], sender=EMPLOYEE):
    return [message(500 + i, at(0, m), sender, deleted=True) for i, m in enumerate(minutes)]


@pytest.mark.parametrize(
    ("rows", "count"),
    [
        (deletions([0, 5, 10, 20]), 4),
        (deletions([0, 5, 10]), 3),
        (deletions([0, 5]), None),  # fewer than min_deleted
        (deletions([0, 40, 80, 120]), None),  # spread over two hours
        (deletions([0, 5]) + [message(9, at(0, 7), CLIENT, deleted=True)], None),  # two senders
    ],
)
def test_deleted_bursts_by_one_sender(rows, count):
    found = run(rows).filter(signal_type="deleted_burst")
    assert found.height == (count is not None)
    if count:
        row = found.row(0, named=True)
        assert row["observed"] == count and len(row["message_ids"]) == count
        assert row["sender_token"] == EMPLOYEE
        p = CONFIG.signals.deleted_burst
        assert row["score"] == pytest.approx(p.weight * min(1, count / p.saturation))


HISTORY = chatter([-3])  # the pair writes to each other


@pytest.mark.parametrize(
    ("rows", "call_rows", "fires"),
    [
        (HISTORY, [call(1, at(0))], True),
        (HISTORY + [message(50, at(0, 120), CLIENT, "te liguei")], [call(1, at(0))], False),
        (HISTORY, [call(1, at(0), answered=False)], False),
        ([], [call(1, at(0))], False),  # require_chat: a pair that never wrote
        (chatter([-40]), [call(1, at(0))], False),  # wrote, but before lookback_days
    ],
)
def test_calls_without_messages(rows, call_rows, fires):
    found = run(rows, call_rows, first=0, last=0).filter(signal_type="calls_without_messages")
    assert found.height == fires
    if fires:
        row = found.row(0, named=True)
        assert row["call_ids"] == [call_rows[0]["call_id"]]
        assert row["chat_id"] == HISTORY[0]["chat_id"]
        assert row["counterpart_token"] == CLIENT


def test_calls_of_pairs_without_a_chat_when_not_required():
    config = replace(
        CONFIG,
        signals=replace(
            CONFIG.signals,
            calls_without_messages=replace(
                CONFIG.signals.calls_without_messages, require_chat=False
            ),
        ),
    )
    found = run([], [call(1, at(0)), call(2, at(0, 60))], first=0, last=0, config=config)
    row = found.filter(signal_type="calls_without_messages").row(0, named=True)
    assert row["chat_id"] is None and row["observed"] == 2


def test_signal_ids_are_stable_and_the_frame_typed():
    rows = [OFF, *chatter(range(-K, 0)), *deletions([0, 1, 2])]
    once, again = run(rows), run(list(reversed(rows)))
    assert once.schema == SIGNALS_SCHEMA
    assert once.equals(again)
    assert once["signal_id"].n_unique() == once.height
