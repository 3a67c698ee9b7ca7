"""gold.consent_violations: calls and monitored conversations without a valid consent."""

import dagster as dg
import polars as pl

from pipelines.conform.calls import SILVER_CALLS_SCHEMA
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA
from pipelines.defs.conformed.assets import silver_calls, silver_messages
from pipelines.defs.governance.reference import CONSENTS
from pipelines.defs.partitions import daily_table, date_span
from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.governance.consent_checks import call_violations, message_violations
from pipelines.governance.consents import CONSENTS_SCHEMA

MESSAGE_COLUMNS = (
    "chat_id",
    "event_date",
    "sent_at",
    "direction",
    "employee_token",
    "team",
    "counterpart_token",
)


@daily_table("gold", "consent_violations", [CONSENTS, silver_calls, silver_messages])
def gold_consent_violations(
    context: dg.AssetExecutionContext, lakehouse: LakehouseResource, firm: FirmResource
) -> dg.MaterializeResult:
    """Outbound calls without a valid call consent, answered calls with someone who refused
    recording, and per conversation-day the WhatsApp messages exchanged without a valid consent,
    each with its reason (no_record, refused, withdrawn, unidentified, recording_*)."""
    first, last = date_span(context)
    ledger = lakehouse.scan_or_empty("silver.consents", CONSENTS_SCHEMA).collect()
    calls = lakehouse.scan_dates("silver.calls", SILVER_CALLS_SCHEMA, first, last).collect()
    messages = (
        lakehouse.scan_dates("silver.messages", SILVER_MESSAGES_SCHEMA, first, last)
        .select(MESSAGE_COLUMNS)
        .collect()
    )
    directory, pseudonymizer = firm.directory(), firm.pseudonymizer()
    known = {pseudonymizer.token(p.canonical) for p in directory.people}
    employees = {pseudonymizer.token(p.canonical) for p in directory.people if p.kind == "employee"}
    if ledger.is_empty():
        context.log.warning("silver.consents is empty: every contact is reported as no_record")
    found = pl.concat(
        [call_violations(calls, ledger), message_violations(messages, ledger, known, employees)]
    )
    written = lakehouse.replace_dates(found, "gold.consent_violations", first, last)
    by_reason = found.group_by("channel", "reason").len().sort("channel", "reason")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "calls_checked": calls.height,
            "messages_checked": messages.height,
            "ledger_rows": ledger.height,
            "by_reason": dg.MetadataValue.json(
                {f"{c}/{r}": n for c, r, n in by_reason.iter_rows()}
            ),
            "first_date": first,
            "last_date": last,
        }
    )
