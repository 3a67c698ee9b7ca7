"""Table rules catch what they promise, name table and rule, and sample ids, not content."""

import polars as pl
import pytest

from pipelines.quality import table_rules as rules
from pipelines.quality.reconciliation import manifest_balances, table_matches_manifest

MESSAGES = pl.LazyFrame({
    "message_id": ["M-1", "M-2", "M-3"],
    "sender_token": ["P-0123456789ab", "P-0123456789ab", "P-ffffffffffff"],
    "text_redacted": ["oi [CPF P-0123456789ab]", "ligo amanhã [TELEFONE P-999999999999]", "ok"],
})


@pytest.mark.parametrize(
    ("text", "leaks"),
    [
        ("meu cpf é 529.982.247-25", True),
        ("manda pra maria@example.com", True),
        ("me liga no (11) 91234-5678", True),
        ("me liga no 11 9 1234-5678", True),
        ("+55 85 8204-7737", True),
        ("cpf 52998224725", True),
        ("[CPF P-123456789012] e [EMAIL P-0a1b2c3d4e5f]", False),  # digit-only token is not PII
        ("honorários de R$ 1.234,56 até 12/11/2026 às 14:30", False),
        ("processo 0001234-56.2024.8.26.0100", False),
    ],
)
def test_no_pii_finds_identifiers_in_clear_but_not_placeholders(text, leaks):
    frame = pl.LazyFrame({"id": ["M-9"], "text": [text]})
    result = rules.no_pii(frame, "silver.messages", ["text"], "id")
    assert result.passed is (not leaks)
    if leaks:
        assert "M-9" in result.description and text not in result.description


def test_clean_table_passes_every_rule():
    assert rules.unique(MESSAGES, "silver.messages", ["message_id"]).passed
    assert rules.matches(MESSAGES, "silver.messages", "sender_token", r"P-[0-9a-f]{12}",
                         "message_id").passed
    assert rules.no_pii(MESSAGES, "silver.messages", ["text_redacted"], "message_id").passed


def test_duplicate_key_names_table_rule_count_and_sample():
    frame = pl.concat([MESSAGES, MESSAGES.head(1)])
    result = rules.unique(frame, "silver.messages", ["message_id"])
    assert not result.passed and result.failing == 1
    assert result.description.startswith("silver.messages: unique(message_id): 1 failing")
    assert result.sample == ["M-1"]


def test_raw_phone_in_a_token_column_is_caught():
    frame = MESSAGES.with_columns(
        sender_token=pl.when(pl.col("message_id") == "M-2").then(pl.lit("+5511912345678"))
        .otherwise(pl.col("sender_token")))
    result = rules.matches(frame, "silver.messages", "sender_token", r"P-[0-9a-f]{12}",
                           "message_id")
    assert not result.passed and result.sample == ["M-2"]
    assert "5511912345678" not in result.description


def test_null_key_is_caught():
    frame = MESSAGES.with_columns(message_id=pl.lit(None, pl.Utf8), row=pl.int_range(3))
    result = rules.not_null(frame, "silver.messages", "message_id", "row")
    assert not result.passed and result.failing == 3


def test_manifest_that_does_not_balance_fails():
    manifest = pl.LazyFrame({"file_sha256": ["a", "b"], "total_lines": [10, 5],
                             "parsed_lines": [8, 5], "quarantined_lines": [2, 1],
                             "header_lines": [0, 0]})
    result = manifest_balances(manifest)
    assert not result.passed and result.sample == ["b"]


def test_rows_missing_from_a_table_are_detected_per_file():
    manifest = pl.LazyFrame({"file_sha256": ["a", "b"], "parsed_lines": [3, 2]})
    rows = pl.LazyFrame({"file_sha256": ["a", "a", "b"], "line_count": [2, 1, 1]})
    result = table_matches_manifest("bronze.whatsapp_messages", rows, manifest, "parsed_lines",
                                    pl.col("line_count").sum())
    assert not result.passed and result.sample == ["b"]
