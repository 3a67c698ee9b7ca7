"""gold.message_category_scores: one row per flagged message and category, parts and spans."""

from __future__ import annotations

import pytest
from detection_frames import CLIENT, KeywordScorer, at, message, messages

from pipelines.detection.category_scores import CATEGORY_SCORES_SCHEMA, score_categories
from pipelines.detection.message_scores import score_messages


def flagged(*texts: str):
    rows = [message(i, at(0, i), text=t) for i, t in enumerate(texts)]
    return score_messages(messages(rows), KeywordScorer())


def test_one_row_per_message_and_category_with_parts_and_spans():
    text = "Manda um agrado e uma propina, depois apaga"
    rows = score_categories(flagged(text), KeywordScorer())
    assert rows.schema == CATEGORY_SCORES_SCHEMA
    by_category = {r["category"]: r for r in rows.iter_rows(named=True)}
    assert set(by_category) == {"bribery", "off_channel"}
    bribery = by_category["bribery"]
    assert bribery["rule_ids"] == ["bribery.t.agrado", "bribery.t.propina"]
    assert bribery["rule_weights"] == [0.6, 1.0]
    assert bribery["score"] == pytest.approx(1.0)
    assert bribery["severity"] == "high"
    spans = zip(bribery["span_starts"], bribery["span_ends"], strict=True)
    assert [text[s:e] for s, e in spans] == ["agrado", "propina"]
    assert bribery["span_rule_ids"] == ["bribery.t.agrado", "bribery.t.propina"]
    off = by_category["off_channel"]
    assert off["score"] == pytest.approx(0.6)
    assert text[off["span_starts"][0] : off["span_ends"][0]] == "apaga"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("um agrado e um cafezinho", 1 - 0.4 * 0.7),  # two rules combine
        ("agrado, agrado e agrado", 0.6),  # a repeated word counts once
        ("só um cafezinho", 0.3),
    ],
)
def test_category_score_combines_distinct_rules(text, expected):
    rows = score_categories(flagged(text), KeywordScorer())
    assert rows.height == 1
    assert rows["score"].item() == pytest.approx(expected)


def test_message_columns_are_carried_and_unflagged_messages_give_no_rows():
    frame = flagged("bom dia", "vai uma propina")
    rows = score_categories(frame, KeywordScorer())
    assert rows.height == 1
    assert rows["message_id"].item() == "M-0000000000000001"
    assert rows["counterpart_token"].item() == CLIENT
    assert score_categories(frame.head(0), KeywordScorer()).is_empty()
