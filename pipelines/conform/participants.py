"""silver.participants: one row per pseudonymous person, with role and team but no identity."""

from __future__ import annotations

import polars as pl

from pipelines.conform.directory import Directory
from pipelines.privacy.pseudonyms import Pseudonymizer

PARTICIPANTS_SCHEMA = {
    "token": pl.Utf8,
    "role": pl.Utf8,
    "team": pl.Utf8,
    "job_role": pl.Utf8,
    "manager_token": pl.Utf8,
    "in_directory": pl.Boolean,
    "messages_sent": pl.Int64,
    "calls": pl.Int64,
    "first_seen_at": pl.Datetime("us", "UTC"),
    "last_seen_at": pl.Datetime("us", "UTC"),
}


def build_participants(
    directory: Directory, pseudonymizer: Pseudonymizer, messages: pl.LazyFrame, calls: pl.LazyFrame
) -> pl.DataFrame:
    """Directory people plus everyone else seen in messages or calls."""
    known = pl.DataFrame(
        {
            "token": [pseudonymizer.token(p.canonical) for p in directory.people],
            "role": [p.kind for p in directory.people],
            "team": [p.team for p in directory.people],
            "job_role": [p.role for p in directory.people],
            "manager_token": [
                pseudonymizer.token(directory.by_id[p.manager_id].canonical)
                if p.manager_id in directory.by_id
                else None
                for p in directory.people
            ],
        },
        schema={
            k: PARTICIPANTS_SCHEMA[k]
            for k in ("token", "role", "team", "job_role", "manager_token")
        },
    ).unique("token", keep="first", maintain_order=True)

    seen = pl.concat(
        [
            messages.filter(pl.col("sender_token").is_not_null()).select(
                token="sender_token",
                role="sender_role",
                at="sent_at",
                message=pl.lit(1, pl.Int64),
                call=pl.lit(0, pl.Int64),
            ),
            messages.filter(pl.col("counterpart_token").is_not_null()).select(
                token="counterpart_token",
                role=pl.lit("client"),
                at="sent_at",
                message=pl.lit(0, pl.Int64),
                call=pl.lit(0, pl.Int64),
            ),
            calls.filter(pl.col("counterpart_token").is_not_null()).select(
                token="counterpart_token",
                role=pl.lit("client"),
                at="started_at",
                message=pl.lit(0, pl.Int64),
                call=pl.lit(1, pl.Int64),
            ),
            calls.filter(pl.col("employee_token").is_not_null()).select(
                token="employee_token",
                role=pl.lit("employee"),
                at="started_at",
                message=pl.lit(0, pl.Int64),
                call=pl.lit(1, pl.Int64),
            ),
        ]
    )
    activity = (
        seen.group_by("token")
        .agg(
            seen_role=pl.col("role").first(),
            messages_sent=pl.col("message").sum(),
            calls=pl.col("call").sum(),
            first_seen_at=pl.col("at").min(),
            last_seen_at=pl.col("at").max(),
        )
        .collect()
    )
    return (
        known.join(activity, on="token", how="full", coalesce=True)
        .with_columns(
            in_directory=pl.col("role").is_not_null(),
            role=pl.coalesce(
                "role",
                pl.when(pl.col("seen_role") == "employee")
                .then(pl.lit("employee"))
                .otherwise(pl.lit("unknown")),
            ),
            messages_sent=pl.col("messages_sent").fill_null(0),
            calls=pl.col("calls").fill_null(0),
        )
        .select(list(PARTICIPANTS_SCHEMA))
        .cast(PARTICIPANTS_SCHEMA)
        .sort("role", "token")
    )
