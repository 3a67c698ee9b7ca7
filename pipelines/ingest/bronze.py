"""Turn parsed landing files into bronze rows: raw record + provenance + hash chain.

Each record keeps the exact raw text, its position and the file's sha256. ``record_sha256`` hashes
the raw text; ``chain_sha256`` hashes the previous record's chain value (the file sha256 for the
first record) with this record's hash, so any edit, removal or reordering breaks the chain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from pipelines.ingest.call_records import ParsedCalls
from pipelines.ingest.landing import LandingFile
from pipelines.ingest.whatsapp_export import ParsedExport

UTC_US = pl.Datetime("us", "UTC")
WHATSAPP_TABLE = "bronze.whatsapp_messages"
CALLS_TABLE = "bronze.call_records"
CDR_TEXT_FIELDS = (
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "disposition",
    "amaflags",
    "uniqueid",
    "userfield",
    "peeraccount",
    "linkedid",
    "disposition_raw",
)

QUARANTINE_SCHEMA = {
    "source_file": pl.Utf8,
    "file_sha256": pl.Utf8,
    "source_kind": pl.Utf8,
    "line_number": pl.Int64,
    "line_count": pl.Int64,
    "raw": pl.Utf8,
    "reason": pl.Utf8,
    "ingested_at": UTC_US,
}

MANIFEST_SCHEMA = {
    "file_sha256": pl.Utf8,
    "source_file": pl.Utf8,
    "source_kind": pl.Utf8,
    "layout": pl.Utf8,
    "encoding": pl.Utf8,
    "total_lines": pl.Int64,
    "header_lines": pl.Int64,
    "parsed_records": pl.Int64,
    "parsed_lines": pl.Int64,
    "quarantined_records": pl.Int64,
    "quarantined_lines": pl.Int64,
    "first_event_date": pl.Date,
    "last_event_date": pl.Date,
    "ingested_at": UTC_US,
}

WHATSAPP_SCHEMA = {
    "record_id": pl.Utf8,
    "source_file": pl.Utf8,
    "file_sha256": pl.Utf8,
    "owner_folder": pl.Utf8,
    "line_number": pl.Int64,
    "line_count": pl.Int64,
    "raw": pl.Utf8,
    "layout": pl.Utf8,
    "date_order_ambiguous": pl.Boolean,
    "event_local": pl.Utf8,
    "event_date": pl.Date,
    "sender": pl.Utf8,
    "body": pl.Utf8,
    "kind": pl.Utf8,
    "media_kind": pl.Utf8,
    "attachment_name": pl.Utf8,
    "is_deleted": pl.Boolean,
    "is_edited": pl.Boolean,
    "record_sha256": pl.Utf8,
    "chain_sha256": pl.Utf8,
    "ingested_at": UTC_US,
}

CALLS_SCHEMA = {
    "record_id": pl.Utf8,
    "source_file": pl.Utf8,
    "file_sha256": pl.Utf8,
    "line_number": pl.Int64,
    "raw": pl.Utf8,
    **{name: pl.Utf8 for name in CDR_TEXT_FIELDS},
    "start_local": pl.Utf8,
    "answer_local": pl.Utf8,
    "end_local": pl.Utf8,
    "duration": pl.Int64,
    "billsec": pl.Int64,
    "sequence": pl.Int64,
    "layout": pl.Utf8,
    "event_date": pl.Date,
    "record_sha256": pl.Utf8,
    "chain_sha256": pl.Utf8,
    "ingested_at": UTC_US,
}


@dataclass
class BronzeBatch:
    """Rows one landing file contributes to bronze (table name -> rows), and its manifest row."""

    records: dict[str, pl.DataFrame]
    quarantine: pl.DataFrame
    manifest: dict = field(default_factory=dict)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_chain(seed: str, raws: Sequence[str]) -> tuple[list[str], list[str]]:
    """Record hashes and chain hashes for ``raws`` in order, starting from ``seed``."""
    records, chains, previous = [], [], seed
    for raw in raws:
        record = sha256_text(raw)
        previous = sha256_text(previous + record)
        records.append(record)
        chains.append(previous)
    return records, chains


def whatsapp_batch(file: LandingFile, parsed: ParsedExport, ingested_at: datetime) -> BronzeBatch:
    messages = parsed.frame
    record_hashes, chains = hash_chain(file.sha256, messages.get_column("raw").to_list())
    records = messages.select(
        record_id=pl.lit(f"{file.sha256[:16]}-") + pl.col("line_number").cast(pl.Utf8),
        source_file=pl.lit(file.relative, pl.Utf8),
        file_sha256=pl.lit(file.sha256, pl.Utf8),
        owner_folder=pl.lit(file.owner_folder, pl.Utf8),
        line_number=pl.col("line_number"),
        line_count=pl.col("line_count"),
        raw=pl.col("raw"),
        layout=pl.lit(parsed.layout, pl.Utf8),
        date_order_ambiguous=pl.lit(parsed.date_order_ambiguous, pl.Boolean),
        event_local=pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S"),  # isoformat()
        event_date=pl.col("timestamp").dt.date(),
        sender=pl.col("sender"),
        body=pl.col("body"),
        kind=pl.col("kind"),
        media_kind=pl.col("media_kind"),
        attachment_name=pl.col("attachment_name"),
        is_deleted=pl.col("is_deleted"),
        is_edited=pl.col("is_edited"),
        record_sha256=pl.Series(record_hashes, dtype=pl.Utf8),
        chain_sha256=pl.Series(chains, dtype=pl.Utf8),
        ingested_at=pl.lit(ingested_at),
    ).cast(WHATSAPP_SCHEMA)  # type: ignore[arg-type]
    quarantine = quarantine_frame(file, parsed.quarantined, ingested_at)
    manifest = manifest_row(
        file,
        layout=parsed.layout,
        encoding=getattr(parsed, "encoding", "utf-8"),
        total_lines=parsed.total_lines,
        header_lines=0,
        parsed_lines=int(messages.get_column("line_count").sum()),
        records=[records],
        quarantine=quarantine,
        ingested_at=ingested_at,
    )
    return BronzeBatch({WHATSAPP_TABLE: records}, quarantine, manifest)


def calls_batch(file: LandingFile, parsed: ParsedCalls, ingested_at: datetime) -> BronzeBatch:
    calls = parsed.records
    record_hashes, chains = hash_chain(file.sha256, [c.raw for c in calls])
    columns: dict[str, list] = {
        "record_id": [f"{file.sha256[:16]}-{c.line_number}" for c in calls],
        "source_file": [file.relative] * len(calls),
        "file_sha256": [file.sha256] * len(calls),
        "line_number": [c.line_number for c in calls],
        "raw": [c.raw for c in calls],
    }
    for name in CDR_TEXT_FIELDS:
        columns[name] = [getattr(c, name) for c in calls]
    columns |= {
        "start_local": [c.start.isoformat(sep=" ") for c in calls],
        "answer_local": [c.answer.isoformat(sep=" ") if c.answer else None for c in calls],
        "end_local": [c.end.isoformat(sep=" ") for c in calls],
        "duration": [c.duration for c in calls],
        "billsec": [c.billsec for c in calls],
        "sequence": [c.sequence for c in calls],
        "layout": [_call_layout(parsed, c) for c in calls],
        "event_date": [c.start.date() for c in calls],
        "record_sha256": record_hashes,
        "chain_sha256": chains,
        "ingested_at": [ingested_at] * len(calls),
    }
    records = pl.DataFrame(columns, schema=CALLS_SCHEMA)
    quarantine = quarantine_frame(file, parsed.quarantined, ingested_at)
    header_lines = getattr(parsed, "header_lines", 0)
    manifest = manifest_row(
        file,
        layout=getattr(parsed, "layout", "asterisk-cdr-csv"),
        encoding=getattr(parsed, "encoding", "utf-8"),
        total_lines=parsed.total_lines,
        header_lines=header_lines,
        parsed_lines=len(calls),
        records=[records],
        quarantine=quarantine,
        ingested_at=ingested_at,
    )
    return BronzeBatch({CALLS_TABLE: records}, quarantine, manifest)


def _call_layout(parsed: ParsedCalls, call) -> str:
    """``asterisk-cdr-csv-18`` (column count) for cdr-csv, the mapping name for mapped CSVs."""
    if parsed.layout == "asterisk-cdr-csv":
        return f"asterisk-cdr-csv-{call.column_count}"
    return parsed.layout


def quarantine_frame(
    file: LandingFile, quarantined: Sequence, ingested_at: datetime
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_file": [file.relative] * len(quarantined),
            "file_sha256": [file.sha256] * len(quarantined),
            "source_kind": [file.kind] * len(quarantined),
            "line_number": [q.line_number for q in quarantined],
            "line_count": [q.line_count for q in quarantined],
            "raw": [q.raw for q in quarantined],
            "reason": [q.reason for q in quarantined],
            "ingested_at": [ingested_at] * len(quarantined),
        },
        schema=QUARANTINE_SCHEMA,
    )


def manifest_row(
    file: LandingFile,
    *,
    layout: str,
    encoding: str,
    total_lines: int,
    header_lines: int,
    parsed_lines: int,
    records: Sequence[pl.DataFrame],
    quarantine: pl.DataFrame,
    ingested_at: datetime,
) -> dict:
    """The manifest row; ``parsed_records`` counts the rows of every table the file fed."""
    dates = pl.concat([r.get_column("event_date") for r in records])
    return {
        "file_sha256": file.sha256,
        "source_file": file.relative,
        "source_kind": file.kind,
        "layout": layout,
        "encoding": encoding,
        "total_lines": total_lines,
        "header_lines": header_lines,
        "parsed_records": sum(r.height for r in records),
        "parsed_lines": parsed_lines,
        "quarantined_records": quarantine.height,
        "quarantined_lines": int(quarantine.get_column("line_count").sum() or 0),
        "first_event_date": dates.min(),
        "last_event_date": dates.max(),
        "ingested_at": ingested_at,
    }


def manifest_frame(rows: Sequence[dict]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=MANIFEST_SCHEMA)
