"""Silver checks (blocking): keys unique, people only as tokens, no PII left in text."""

import dagster as dg
import polars as pl

from pipelines.conform.calls import SILVER_CALLS_SCHEMA
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA
from pipelines.conform.participants import PARTICIPANTS_SCHEMA
from pipelines.defs.checks import to_check
from pipelines.defs.conformed.assets import silver_calls, silver_messages, silver_participants
from pipelines.defs.resources import LakehouseResource
from pipelines.quality import table_rules as rules

TOKEN = r"P-[0-9a-f]{12}"


@dg.asset_check(asset=silver_messages, blocking=True)
def messages_are_pseudonymized(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """message_id unique and present; parties are tokens; no e-mail, CPF or phone in text."""
    table = "silver.messages"
    frame = lakehouse.scan_or_empty(table, SILVER_MESSAGES_SCHEMA)
    return to_check(
        rules.not_null(frame, table, "message_id", "bronze_record_id"),
        rules.unique(frame, table, ["message_id"]),
        rules.not_null(frame, table, "sent_at", "message_id"),
        *(
            rules.matches(frame, table, column, TOKEN, "message_id")
            for column in ("sender_token", "employee_token", "counterpart_token")
        ),
        rules.no_pii(frame, table, ["text_redacted", "attachment_redacted"], "message_id"),
    )


@dg.asset_check(asset=silver_calls, blocking=True)
def calls_are_pseudonymized(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """call_id unique; start time present; billed time within duration; parties are tokens."""
    table = "silver.calls"
    frame = lakehouse.scan_or_empty(table, SILVER_CALLS_SCHEMA)
    return to_check(
        rules.unique(frame, table, ["call_id"]),
        rules.not_null(frame, table, "started_at", "call_id"),
        rules.violations(
            frame,
            table,
            "0 <= billsec_s <= duration_s",
            ~pl.col("billsec_s").is_between(0, pl.col("duration_s")),
            "call_id",
        ),
        *(
            rules.matches(frame, table, column, TOKEN, "call_id")
            for column in ("employee_token", "counterpart_token")
        ),
    )


@dg.asset_check(asset=silver_participants)
def participants_are_tokens(lakehouse: LakehouseResource) -> dg.AssetCheckResult:
    """One row per token, and every token has the pseudonym shape."""
    table = "silver.participants"
    frame = lakehouse.scan_or_empty(table, PARTICIPANTS_SCHEMA)
    return to_check(
        rules.unique(frame, table, ["token"]), rules.matches(frame, table, "token", TOKEN, "token")
    )
