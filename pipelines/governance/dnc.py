"""Do-not-call: silver.dnc_registry (the list, tokens only) and gold.dnc_violations.

The list is ``<landing>/reference/do_not_call*.csv``, as Brazil's Não Me Perturbe or France's
Bloctel hand it out: a number and its registration date per line (header ``phone,added_on`` or
``numero,data_cadastro`` / ``numero,date_inscription``, optionally ``source``). Numbers are
pseudonymised on load, so the table never holds a number in clear; the same number has the same
token as in silver.calls.

Every outbound call to a number whose registration date is on or before the call's local date
(plus ``grace_days``, for lists that give companies time to update: 0 by default) is a
violation, answered or not: the call itself is what the list forbids.
"""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import polars as pl

from pipelines.governance.reference_files import (
    CsvRow,
    LedgerLoad,
    RowError,
    label,
    load_files,
    parse_day,
    required_value,
)
from pipelines.privacy.phones import parse_valid
from pipelines.privacy.pseudonyms import Pseudonymizer, canonical_phone

DNC_FILES = ("do_not_call*.csv",)
COLUMNS = {
    "phone": ("phone", "number", "numero", "número", "telefone", "numéro", "numero_telephone"),
    "added_on": (
        "added_on",
        "registered_on",
        "registration_date",
        "data_cadastro",
        "data_inscricao",
        "date_inscription",
    ),
    "source": ("source", "origem", "lista", "liste"),
}
REQUIRED = ("phone", "added_on")
DEFAULT_SOURCE = "do_not_call"
DNC_SCHEMA = {
    "number_token": pl.Utf8,
    "registered_on": pl.Date,
    "country": pl.Utf8,
    "source": pl.Utf8,
    "source_file": pl.Utf8,
    "line_number": pl.Int64,
}
VIOLATIONS_SCHEMA = {
    "call_id": pl.Utf8,
    "event_date": pl.Date,
    "started_at": pl.Datetime("us", "UTC"),
    "employee_token": pl.Utf8,
    "team": pl.Utf8,
    "counterpart_token": pl.Utf8,
    "campaign": pl.Utf8,
    "answered": pl.Boolean,
    "registered_on": pl.Date,
    "list_source": pl.Utf8,
}


def load_dnc(
    reference_dir: Path, pseudonymizer: Pseudonymizer, default_region: str = "BR"
) -> LedgerLoad:
    def parse(row: CsvRow) -> dict:
        number = parse_valid(required_value(row, "phone"), default_region)
        if number is None:
            raise RowError("phone", "is not a valid phone number")
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return {
            "number_token": pseudonymizer.token(canonical_phone(e164)),
            "registered_on": parse_day(required_value(row, "added_on"), "added_on"),
            "country": phonenumbers.region_code_for_number(number),
            "source": label(row, "source", DEFAULT_SOURCE),
        }

    return load_files(reference_dir, DNC_FILES, "do_not_call", COLUMNS, REQUIRED, parse, DNC_SCHEMA)


def registrations(registry: pl.DataFrame) -> pl.DataFrame:
    """One row per number: its earliest registration date and that registration's source."""
    return (
        registry.sort("number_token", "registered_on", "source")
        .unique("number_token", keep="first", maintain_order=True)
        .select("number_token", "registered_on", pl.col("source").alias("list_source"))
    )


def dnc_violations(
    calls: pl.DataFrame,
    registry: pl.DataFrame,
    campaigns: pl.DataFrame | None = None,
    grace_days: int = 0,
) -> pl.DataFrame:
    """Outbound calls of ``calls`` (silver.calls rows) to a number registered on or before the
    call's local date (+ ``grace_days``). ``campaigns``: ``bronze_record_id`` -> ``campaign``
    when the PBX records one (e.g. the Asterisk accountcode), else the campaign stays null."""
    outbound = calls.filter(
        (pl.col("direction") == "outbound") & pl.col("counterpart_token").is_not_null()
    )
    found = outbound.join(
        registrations(registry), left_on="counterpart_token", right_on="number_token"
    ).filter(pl.col("registered_on") + pl.duration(days=grace_days) <= pl.col("event_date"))
    if campaigns is not None:
        found = found.join(campaigns, on="bronze_record_id", how="left")
    else:
        found = found.with_columns(pl.lit(None, pl.Utf8).alias("campaign"))
    return (
        found.select(list(VIOLATIONS_SCHEMA))
        .cast(VIOLATIONS_SCHEMA)
        .unique("call_id", keep="first", maintain_order=True)
        .sort("event_date", "started_at", "call_id")
    )


def campaigns_from_accountcode(bronze_calls: pl.DataFrame) -> pl.DataFrame:
    """``bronze_record_id`` -> ``campaign`` from bronze.call_records' ``accountcode``, kept only
    when it names something (has a letter, short, no e-mail): account codes that are numbers
    may be a customer's, and stay out of gold."""
    code = pl.col("accountcode").str.strip_chars()
    naming = (
        code.str.contains(r"[A-Za-z]")
        & ~code.str.contains(r"@|\d{6,}")
        & (code.str.len_chars() <= 60)
    )
    return bronze_calls.select(
        pl.col("record_id").alias("bronze_record_id"),
        pl.when(naming).then(code).otherwise(None).alias("campaign"),
    ).unique("bronze_record_id", keep="first")


def violation_counts(violations: pl.DataFrame) -> pl.DataFrame:
    """Violations per agent and campaign (null campaign: not known), most first."""
    return (
        violations.group_by("team", "employee_token", "campaign")
        .agg(pl.len().cast(pl.Int64).alias("calls"), pl.col("answered").sum().alias("answered"))
        .sort("calls", "team", "employee_token", descending=[True, False, False], nulls_last=True)
    )
