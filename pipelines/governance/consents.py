"""silver.consents: the consent ledger, one row per consent or monitoring notice as recorded.

Read from ``<landing>/reference/consents*.csv`` (header ``phone,channel,status,recorded_at,
source`` and optionally ``kind``): who (a phone, pseudonymised like everywhere else: the same
person has the same token here as in silver.messages and silver.calls), which channel
(``whatsapp``, ``call``, ``recording``), what (``given``, ``refused``, ``withdrawn``), when (UTC,
original offset kept; a time without offset is the firm's local time) and from where
(``source``: contrato, formulario_site, ...). ``kind`` tells a consent from a monitoring notice
(the person was informed); both count the same when checking. Every line of the file is either
a row here or a row of silver.reference_rejects.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.governance.reference_files import (
    CsvRow,
    LedgerLoad,
    RowError,
    label,
    load_files,
    one_of,
    parse_instant,
    required_value,
)
from pipelines.privacy.pseudonyms import Pseudonymizer

CONSENT_FILES = ("consents*.csv",)
CHANNELS = ("whatsapp", "call", "recording")
STATUSES = ("given", "refused", "withdrawn")
KINDS = ("consent", "notice")
COLUMNS = {
    "phone": ("phone", "number", "telefone", "numero", "número"),
    "channel": ("channel", "canal"),
    "status": ("status", "situacao", "situação"),
    "recorded_at": ("recorded_at", "at", "registrado_em", "data"),
    "source": ("source", "origem", "fonte"),
    "kind": ("kind", "tipo"),
}
REQUIRED = ("phone", "channel", "status", "recorded_at")
CONSENTS_SCHEMA = {
    "person_token": pl.Utf8,
    "channel": pl.Utf8,
    "kind": pl.Utf8,
    "status": pl.Utf8,
    "recorded_at": pl.Datetime("us", "UTC"),
    "utc_offset_minutes": pl.Int32,
    "source": pl.Utf8,
    "source_file": pl.Utf8,
    "line_number": pl.Int64,
}


def load_consents(
    reference_dir: Path, pseudonymizer: Pseudonymizer, timezone: str, default_region: str = "BR"
) -> LedgerLoad:
    def parse(row: CsvRow) -> dict:
        token = pseudonymizer.token_for_phone(required_value(row, "phone"), default_region)
        if token is None:
            raise RowError("phone", "is not a valid phone number")
        at = parse_instant(required_value(row, "recorded_at"), "recorded_at", timezone)
        return {
            "person_token": token,
            "channel": one_of(row, "channel", CHANNELS),
            "kind": one_of(row, "kind", KINDS, default="consent"),
            "status": one_of(row, "status", STATUSES),
            "recorded_at": at,
            "utc_offset_minutes": int(at.utcoffset().total_seconds() // 60),
            "source": label(row, "source"),
        }

    return load_files(
        reference_dir, CONSENT_FILES, "consents", COLUMNS, REQUIRED, parse, CONSENTS_SCHEMA
    )
