"""Local wall-clock times (as exports and CDRs write them) to UTC, keeping the original offset."""

from __future__ import annotations

import polars as pl

UTC_US = pl.Datetime("us", "UTC")


def local_to_utc(column: str, timezone: str) -> pl.Expr:
    """ISO local time strings -> UTC instants. Times that do not exist locally (a DST gap)
    are read one hour later, as the phone's clock would have shown them."""
    naive = pl.col(column).str.to_datetime(time_unit="us", strict=False)
    zoned = naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    shifted = (naive + pl.duration(hours=1)).dt.replace_time_zone(
        timezone, ambiguous="earliest", non_existent="null"
    )
    return pl.coalesce(zoned, shifted).dt.convert_time_zone("UTC").cast(UTC_US)


def utc_offset_minutes(local_column: str, utc_column: str) -> pl.Expr:
    """Minutes the local clock was ahead of UTC (-180 for São Paulo)."""
    naive_utc = pl.col(utc_column).dt.replace_time_zone(None)
    local = pl.col(local_column).str.to_datetime(time_unit="us", strict=False)
    return ((local - naive_utc).dt.total_minutes()).cast(pl.Int32)
