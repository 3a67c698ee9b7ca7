"""gold.conversation_scores: flags per conversation-day, weighed by the other party's reply."""

from __future__ import annotations

import pytest
from detection_frames import CLIENT, CONFIG, EMPLOYEE, KeywordScorer, at, message, messages

from pipelines.detection.category_scores import score_categories
from pipelines.detection.conversation_scores import (
    CONVERSATION_SCORES_SCHEMA,
    score_conversations,
    snippet,
)
from pipelines.detection.message_scores import score_messages

ASK = "Pra sair rápido precisa de um agrado pro cartório"  # bribery, medium rule: 0.6


def conversation(rows: list[dict]):
    silver = messages(rows)
    flags = score_categories(score_messages(silver, KeywordScorer()), KeywordScorer())
    return score_conversations(flags, silver, CONFIG)


def one(rows: list[dict], category: str = "bribery") -> dict:
    result = conversation(rows).filter(category=category)
    assert result.height == 1
    return result.row(0, named=True)


def test_acceptance_raises_and_refusal_lowers_the_score():
    silent = one([message(1, at(0), text=ASK)])
    accepted = one([message(1, at(0), text=ASK), message(2, at(0, 5), CLIENT, "Combinado!")])
    refused = one(
        [
            message(1, at(0), text=ASK),
            message(2, at(0, 5), CLIENT, "De jeito nenhum, isso é errado"),
        ]
    )
    assert silent["score"] == pytest.approx(0.6) and silent["context"] == "none"
    assert accepted["score"] > silent["score"] > refused["score"]
    assert accepted["context"] == "accepted" and accepted["context_cues"] == ["combinado"]
    assert accepted["context_adjustment"] == pytest.approx(0.6 * 0.4)  # 0.6 + 0.6 * (1 - 0.6)
    assert refused["context"] == "refused"
    assert refused["base_score"] == pytest.approx(0.6)
    assert refused["score"] == pytest.approx(0.6 * (1 - 0.8))
    assert refused["reply_message_ids"] == ["M-0000000000000002"]
    assert "refused" in refused["reason"] and "de jeito nenhum" in refused["reason"]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (message(2, at(0, 5), EMPLOYEE, "combinado"), "none"),  # the sender himself
        (message(2, at(0, 800), CLIENT, "combinado"), "none"),  # after window_minutes
        (message(2, at(0, 5), CLIENT, "combinado", deleted=True), "none"),  # deleted
        (message(2, at(0, 5), CLIENT, "combinado", chat="C-00000000000000b2"), "none"),
        (message(2, at(0, 5), CLIENT, "vou ver e te aviso"), "none"),  # no cue
        (message(2, at(0, 5), CLIENT, "não tem problema"), "accepted"),  # not the refusal "não"
        (message(2, at(0, 5), CLIENT, "ok, tudo bem... mas não"), "mixed"),  # equal weights
        (message(2, at(0, 5), CLIENT, "no way, that's illegal"), "refused"),
        (message(2, at(0, 5), CLIENT, "trato hecho"), "accepted"),
    ],
)
def test_which_replies_count(reply, expected):
    assert one([message(1, at(0), text=ASK), reply])["context"] == expected


def test_only_the_next_messages_are_read():
    chatter = [message(i, at(0, i), CLIENT, "e o processo?") for i in range(2, 7)]
    late = message(9, at(0, 10), CLIENT, "combinado")
    result = one([message(1, at(0), text=ASK), *chatter, late])
    assert result["context"] == "none"  # the cue is the 6th message after, window is 4


def test_a_victims_refusal_does_not_lower_harassment():
    result = one(
        [
            message(1, at(0), text="Você é burra?"),
            message(2, at(0, 1), CLIENT, "não, de jeito nenhum"),
        ],
        "harassment",
    )
    assert result["context"] == "not_applicable"
    assert result["score"] == pytest.approx(result["base_score"]) == pytest.approx(0.6)


def test_a_day_combines_its_flags_and_days_stay_apart():
    rows = [
        message(1, at(0), text=ASK),
        message(2, at(0, 60), text="e um cafezinho pro escrevente"),
        message(3, at(1), text="lembra do agrado"),
    ]
    result = conversation(rows).sort("event_date")
    assert result.schema == CONVERSATION_SCORES_SCHEMA
    first, second = result.rows(named=True)
    assert first["flagged_messages"] == 2
    assert first["score"] == pytest.approx(1 - 0.4 * 0.7)
    assert first["max_score"] == pytest.approx(0.6)
    assert first["message_ids"] == ["M-0000000000000001", "M-0000000000000002"]
    assert first["rule_ids"] == ["bribery.t.agrado", "bribery.t.cafezinho"]
    assert first["top_message_id"] == "M-0000000000000001"
    assert first["severity"] == "medium"  # 0.72 >= medium 0.7
    assert second["flagged_messages"] == 1 and second["severity"] == "low"


def test_snippet_is_the_redacted_text_around_the_first_span():
    text = "[PESSOA P-123456789abc] " + "palavra " * 20 + "um agrado" + " fim" * 30
    result = one([message(1, at(0), text=text)])
    assert "agrado" in result["snippet"]
    assert result["snippet"].startswith("…") and result["snippet"].endswith("…")
    assert len(result["snippet"]) < len(text)


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("curto agrado", 6, 12, "curto agrado"),
        ("", 0, 0, ""),
        ("a " * 50 + "X" + " b" * 50, 100, 101, "…" + "a " * 30 + "X" + " b" * 30 + "…"),
        # a placeholder at either cut is kept whole
        (
            "[PESSOA P-123456789abc] " + "a" * 50 + " X",
            75,
            76,
            "[PESSOA P-123456789abc] " + "a" * 50 + " X",
        ),
        (
            "X " + "b" * 52 + " [PESSOA P-123456789abc] fim",
            0,
            1,
            "X " + "b" * 52 + " [PESSOA P-123456789abc]…",
        ),
    ],
)
def test_snippet_bounds(text, start, end, expected):
    assert snippet(text, start, end, width=60) == expected


def test_no_flags_no_rows():
    assert conversation([message(1, at(0), text="bom dia")]).is_empty()
