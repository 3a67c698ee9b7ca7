"""Bronze call records -> silver calls: UTC times, direction, pseudonymous parties, de-duplicated.

An employee is recognised by extension (or by their phone number); the other side is the
counterpart. A CDR line seen in two exports of Master.csv (Asterisk appends to it) is one call.
Rows sharing a ``linkedid`` (the legs of one call: queue, transfer, ring group, FreeSWITCH A and
B legs) become one call: first start, last end, the answering leg's employee, the best
disposition. Rows without a linkedid are a call each.

Legs of one call may start on two dates (a call queued across midnight) and sit in different
bronze partitions or files: a call belongs to the date its first leg starts on (``event_date``).
To rebuild dates [first, last], read ``call_rows_for_dates`` (those dates' rows plus the legs on
neighbouring dates that share their linkedids) and pass ``dates=(first, last)`` to
``conform_calls``: every call starting in the span comes out whole, and none starting outside.
A new leg after midnight changes the call of the day before: ``rebuild_span`` widens a span of
new bronze dates by that day.
"""

from __future__ import annotations

from datetime import date, timedelta

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


LEG_WINDOW_DAYS = 1  # the legs of one call start at most this many dates apart


def _shift(day: str, days: int) -> date:
    return date.fromisoformat(day) + timedelta(days=days)


def rebuild_span(first: str, last: str) -> tuple[str, str]:
    """Dates of silver.calls to rebuild when bronze dates [first, last] changed."""
    return _shift(first, -LEG_WINDOW_DAYS).isoformat(), last


def call_rows_for_dates(bronze: pl.LazyFrame, first: str, last: str) -> pl.DataFrame:
    """Bronze call rows of dates [first, last] plus the rows of the dates around them that share
    a linkedid with one of them (the other legs of calls crossing midnight)."""
    window = pl.col("event_date").is_between(
        _shift(first, -LEG_WINDOW_DAYS), _shift(last, LEG_WINDOW_DAYS)
    )
    inside = pl.col("event_date").is_between(_shift(first, 0), _shift(last, 0))
    rows = bronze.filter(window)
    if "linkedid" not in bronze.collect_schema().names():
        return rows.filter(inside).collect()
    linked = rows.filter(inside & (pl.col("linkedid").fill_null("") != "")).select("linkedid")
    return rows.filter(inside | pl.col("linkedid").is_in(linked.collect()["linkedid"])).collect()


def conform_calls(
    bronze: pl.DataFrame,
    directory: Directory,
    privacy: PrivacyContext,
    timezone: str,
    dates: tuple[str, str] | None = None,
) -> pl.DataFrame:
    """One silver row per call in ``bronze``; with ``dates``, only calls whose first leg starts
    on one of those dates (``bronze`` from ``call_rows_for_dates``)."""
    if bronze.is_empty():
        return pl.DataFrame(schema=SILVER_CALLS_SCHEMA)
    bronze = bronze.sort("ingested_at", "source_file", "line_number").unique(
        subset="record_sha256", keep="first", maintain_order=True
    )
    for name, dtype in (("linkedid", pl.Utf8), ("sequence", pl.Int64)):
        if name not in bronze.columns:  # tables loaded before these columns existed
            bronze = bronze.with_columns(pl.lit(None, dtype).alias(name))
    token = privacy.pseudonymizer.token
    parties: dict[str, list] = {
        k: []
        for k in ("direction", "employee_token", "team", "counterpart_token", "counterpart_country")
    }
    for src, dst in bronze.select("src", "dst").iter_rows():
        caller = call_party(src or "", directory, privacy.default_region)
        callee = call_party(dst or "", directory, privacy.default_region)
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
    linked = pl.col("linkedid").fill_null("") != ""
    silver = silver.with_columns(
        _call=pl.when(linked)
        .then(pl.lit("linkedid\x1f") + pl.col("linkedid"))
        .otherwise(pl.col("record_sha256")),
        source_call_id=pl.when(linked).then(pl.col("linkedid")).otherwise(pl.col("uniqueid")),
    )
    calls = _collapse(silver)
    if dates is not None:
        calls = calls.filter(
            pl.col("event_date").is_between(_shift(dates[0], 0), _shift(dates[1], 0))
        )
    ids = [keyed_id(privacy.key, "L", key) for key in calls.get_column("_call")]
    return (
        calls.with_columns(pl.Series("call_id", ids))
        .select(list(SILVER_CALLS_SCHEMA))
        .cast(SILVER_CALLS_SCHEMA)
    )


_RANK = {"ANSWERED": 0, "BUSY": 1, "NO ANSWER": 2, "FAILED": 3, "CONGESTION": 4}


def _collapse(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per ``_call``: legs in start order, the call's span, parties and outcome."""
    answered_leg = pl.col("answered") & pl.col("employee_token").is_not_null()
    known = pl.col("direction") != "unknown"
    span = (pl.col("ended_at").max() - pl.col("started_at").min()).dt.total_seconds()
    rank = pl.col("disposition").replace_strict(_RANK, default=9, return_dtype=pl.Int32)
    return (
        rows.with_columns(_rank=rank)
        .sort("started_at", pl.col("sequence").fill_null(0), "line_number")
        .group_by("_call", maintain_order=True)
        .agg(
            pl.col("bronze_record_id", "source_call_id", "event_date").first(),
            pl.col("utc_offset_minutes").first(),
            pl.col("started_at").min(),
            pl.col("answered_at").min(),
            pl.col("ended_at").max(),
            pl.coalesce(pl.col("direction").filter(known).first(), pl.col("direction").first()),
            pl.coalesce(
                pl.col("counterpart_token").filter(known).first(),
                pl.col("counterpart_token").drop_nulls().first(),
            ),
            pl.coalesce(
                pl.col("counterpart_country").filter(known).first(),
                pl.col("counterpart_country").drop_nulls().first(),
            ),
            pl.coalesce(
                pl.col("employee_token").filter(answered_leg).first(),
                pl.col("employee_token").drop_nulls().first(),
            ),
            pl.coalesce(
                pl.col("team").filter(answered_leg).first(), pl.col("team").drop_nulls().first()
            ),
            pl.col("disposition").sort_by("_rank").first(),
            pl.col("answered").any(),
            pl.when(pl.len() == 1)
            .then(pl.col("duration_s").first())
            .otherwise(pl.max_horizontal(span, pl.col("duration_s").max()))
            .alias("duration_s"),
            pl.col("billsec_s").sum(),
        )
        .with_columns(billsec_s=pl.min_horizontal("billsec_s", "duration_s"))
    )


def call_party(number: str, directory: Directory, region: str):
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
