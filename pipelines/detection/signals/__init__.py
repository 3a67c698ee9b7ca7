"""gold.signals: off-channel and capture-gap signals from metadata, each scored with its reason.

Four kinds, parameters in config/detection.yaml (``signals``): ``volume_drop`` (a conversation
goes quiet after an off_channel flag), ``silence`` (a daily conversation stops), ``deleted_burst``
(one sender deletes several messages at once) and ``calls_without_messages`` (a pair that writes
to each other talks on the phone with nothing written around the call). Each looks across days:
callers pass the messages of ``[first - lookback_days, last + 1]``; only signals dated in
``[first, last]`` are returned, so re-running a date range gives the same rows.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.detection.config import DetectionConfig
from pipelines.detection.signals.activity import silence, volume_drop
from pipelines.detection.signals.calls import calls_without_messages
from pipelines.detection.signals.deletions import deleted_bursts
from pipelines.detection.signals.rows import SIGNALS_SCHEMA

SIGNAL_TYPES = ("volume_drop", "silence", "deleted_burst", "calls_without_messages")

__all__ = ["SIGNALS_SCHEMA", "SIGNAL_TYPES", "detect_signals"]


def detect_signals(
    messages: pl.DataFrame,
    off_channel_flags: pl.DataFrame,
    calls: pl.DataFrame,
    config: DetectionConfig,
    first: date,
    last: date,
) -> pl.DataFrame:
    """Every signal dated in [first, last].

    ``messages``: silver.messages rows; ``off_channel_flags``: gold.message_category_scores rows
    of category off_channel; ``calls``: silver.calls rows of [first, last].
    """
    params = config.signals
    messages = messages.filter(pl.col("kind") == "message")
    rows = [
        *volume_drop(messages, off_channel_flags, params.volume_drop, first, last),
        *silence(messages, params.silence, first, last),
        *deleted_bursts(messages, params.deleted_burst, first, last),
        *calls_without_messages(messages, calls, params.calls_without_messages, first, last),
    ]
    if not rows:
        return pl.DataFrame(schema=SIGNALS_SCHEMA)
    frame = pl.DataFrame(rows, schema=SIGNALS_SCHEMA)
    return frame.sort("event_date", "signal_type", "signal_id")
