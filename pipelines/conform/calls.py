"""Bronze call records -> silver calls: UTC times, direction, pseudonymous parties, de-duplicated.

An employee is recognised by extension (or by their phone number); the other side is the
counterpart. A CDR line seen in two exports of Master.csv (Asterisk appends to it) is one call.
"""

from __future__ import annotations

import phonenumbers
import polars as pl
from phonenumbers import PhoneNumberFormat

from pipelines.conform.directory import Directory
from pipelines.conform.keyed_ids import keyed_id
from pipelines.conform.local_time import local_to_utc, utc_offset_minutes
from pipelines.conform.messages import PrivacyContext
from pipelines.privacy.phones import parse_valid
from pipelines.privacy.pseudonyms import canonical_phone

SILVER_CALLS_SCHEMA = {
    "call_id": pl.Utf8,
    "bronze_record_id": pl.Utf8,
    "source_call_id": pl.Utf8,
    "event_date": pl.Date,
    "started_at": pl.Datetime("us", "UTC"),
    "answered_at": pl.Datetime("us", "UTC"),
    "ended_at": pl.Datetime("us", "UTC"),
    "utc_offset_minutes": pl.Int32,
    "direction": pl.Utf8,
    "employee_token": pl.Utf8,
    "team": pl.Utf8,
    "counterpart_token": pl.Utf8,
    "counterpart_country": pl.Utf8,
    "disposition": pl.Utf8,
    "answered": pl.Boolean,
    "duration_s": pl.Int64,
    "billsec_s": pl.Int64,
}


def conform_calls(
    bronze: pl.DataFrame, directory: Directory, privacy: PrivacyContext, timezone: str
) -> pl.DataFrame:
    if bronze.is_empty():
        return pl.DataFrame(schema=SILVER_CALLS_SCHEMA)
    bronze = bronze.sort("ingested_at", "source_file", "line_number").unique(
        subset="record_sha256", keep="first", maintain_order=True
    )
    token = privacy.pseudonymizer.token
    parties: dict[str, list] = {
        k: []
        for k in ("direction", "employee_token", "team", "counterpart_token", "counterpart_country")
    }
    for src, dst in bronze.select("src", "dst").iter_rows():
        caller = _party(src or "", directory, privacy.default_region)
        callee = _party(dst or "", directory, privacy.default_region)
        if caller[1] is not None and callee[1] is None:
            direction, employee, other = "outbound", caller, callee
        elif callee[1] is not None and caller[1] is None:
            direction, employee, other = "inbound", callee, caller
        elif caller[1] is not None:
            direction, employee, other = "internal", caller, callee
        else:
            direction, employee, other = "unknown", (None, None, None), caller
        parties["direction"].append(direction)
        parties["employee_token"].append(token(employee[0]) if employee[0] else None)
        parties["team"].append(employee[1].team if employee[1] else None)
        parties["counterpart_token"].append(token(other[0]) if other[0] else None)
        parties["counterpart_country"].append(other[2])

    silver = bronze.with_columns(
        *(pl.Series(name, values, dtype=pl.Utf8) for name, values in parties.items()),
        started_at=local_to_utc("start_local", timezone),
        answered_at=local_to_utc("answer_local", timezone),
        ended_at=local_to_utc("end_local", timezone),
        disposition=pl.col("disposition").str.to_uppercase(),
        duration_s=pl.col("duration"),
        billsec_s=pl.col("billsec"),
        bronze_record_id=pl.col("record_id"),
        source_call_id=pl.col("uniqueid"),
    ).with_columns(
        utc_offset_minutes=utc_offset_minutes("start_local", "started_at"),
        answered=pl.col("disposition") == "ANSWERED",
    )
    ids = [keyed_id(privacy.key, "L", sha) for sha in silver.get_column("record_sha256")]
    return (
        silver.with_columns(pl.Series("call_id", ids))
        .select(list(SILVER_CALLS_SCHEMA))
        .cast(SILVER_CALLS_SCHEMA)
    )


def _party(number: str, directory: Directory, region: str):
    """(canonical identifier, employee or None, country) of one side of a call."""
    number = number.strip()
    employee = directory.by_extension.get(number)
    if employee is not None:
        return employee.canonical, employee, None
    parsed = parse_valid(number, region)
    if parsed is None:
        digits = "".join(ch for ch in number if ch.isdigit())
        return (f"dialled:{digits}" if digits else None), None, None
    canonical = canonical_phone(phonenumbers.format_number(parsed, PhoneNumberFormat.E164))
    person = directory.by_canonical.get(canonical)
    employee = person if person is not None and person.kind == "employee" else None
    return canonical, employee, phonenumbers.region_code_for_number(parsed)
