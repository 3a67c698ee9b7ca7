"""The whole pipeline, the CLI and concurrent writers against a real S3 endpoint (moto's server).

The same generated landing data is run into a local lakehouse and into s3://bucket/prefix; both
must hold the same tables with the same row counts, and the CLI must work on the S3 lakehouse.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.definitions import build_defs
from pipelines.runner import run_pipeline
from pipelines.settings import Settings
from pipelines.summary import asset_tables, table_counts
from pipelines.synthetic.law_firm import generate
from tests.integration.s3_server import s3_endpoint
from tests.lakehouse_expectations import MAY_BE_EMPTY

TEST_KEY = "5c" * 32  # test-only pseudonym key (hex)
PREFIX = "firm-a/lake"
VIGIA = str(Path(sys.executable).with_name("vigia"))


@pytest.fixture(scope="module")
def endpoint():
    """The S3 server, with the AWS_* variables set for this module (lake reads them)."""
    with s3_endpoint() as s3, pytest.MonkeyPatch.context() as patch:
        for name, value in s3.env().items():
            patch.setenv(name, value)
        yield s3


@pytest.fixture(scope="module")
def lakes(tmp_path_factory, endpoint):
    root = tmp_path_factory.mktemp("s3firm")
    generate(root, days=3, employees=5, clients=20, seed=5, end=date(2026, 10, 30))
    s3_uri = f"s3://{endpoint.bucket}/{PREFIX}"
    env = {
        "VIGIA_KEY": TEST_KEY,
        "VIGIA_VAULT_KEY_FILE": str(root / "vault.key"),
        "VIGIA_LANDING_DIR": str(root / "landing"),
    }
    counts = {}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("DAGSTER_HOME", raising=False)
        for where, uri in (("local", str(root / "lakehouse")), ("s3", s3_uri)):
            patch.setenv("LAKEHOUSE_URI", uri)
            defs = build_defs(Settings(lakehouse_uri=uri, landing_dir=root / "landing"))
            summary = run_pipeline(defs, uri)
            assert summary.success, (where, summary.failed_checks + summary.failed_steps)
            counts[where] = table_counts(asset_tables(defs), uri)
    return {
        "root": root,
        "uri": s3_uri,
        "env": {**endpoint.env(), **env, "LAKEHOUSE_URI": s3_uri},
        "counts": counts,
    }


def _vigia(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [VIGIA, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def test_s3_lakehouse_holds_the_same_tables_and_rows_as_a_local_one(lakes):
    local, s3 = lakes["counts"]["local"], lakes["counts"]["s3"]
    assert s3 == local
    assert [name for name, rows in s3.items() if rows == 0 and name not in MAY_BE_EMPTY] == []


def test_every_table_is_written_under_the_bucket_prefix(lakes, endpoint):
    keys = endpoint.keys(PREFIX + "/")
    logs = {key.split("/_delta_log/")[0] for key in keys if "/_delta_log/" in key}
    expected = {f"{PREFIX}/{name.replace('.', '/')}" for name in lakes["counts"]["s3"]}
    assert expected <= logs


def test_verify_passes_on_s3_and_catches_a_changed_object(lakes, endpoint):
    ok = _vigia(["verify"], lakes["env"])
    assert ok.returncode == 0, ok.stderr
    assert "hash chains intact" in ok.stdout

    # rewrite one bronze parquet file with one raw record changed: verify must name the break
    table = f"s3://{endpoint.bucket}/{PREFIX}/bronze/whatsapp_messages"
    options = lake.storage_options(table, lakes["env"])
    files = lake.delta_table("bronze.whatsapp_messages", lakes["uri"]).file_uris()
    victim = files[0]
    key = victim.split(f"s3://{endpoint.bucket}/", 1)[1]
    frame = pl.read_parquet(victim, storage_options=options, hive_partitioning=False)
    tampered = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.col("raw") + " (edited)")
        .otherwise(pl.col("raw"))
        .alias("raw")
    )
    original = endpoint.client().get_object(Bucket=endpoint.bucket, Key=key)["Body"].read()
    buffer = io.BytesIO()
    tampered.write_parquet(buffer)
    try:
        endpoint.client().put_object(Bucket=endpoint.bucket, Key=key, Body=buffer.getvalue())
        broken = _vigia(["verify", "--table", "bronze.whatsapp_messages"], lakes["env"])
        assert broken.returncode != 0
        assert "record changed" in broken.stdout + broken.stderr
    finally:
        endpoint.client().put_object(Bucket=endpoint.bucket, Key=key, Body=original)
    assert _vigia(["verify"], lakes["env"]).returncode == 0


def test_reidentify_reads_the_s3_vault_and_logs_to_the_s3_audit_table(lakes):
    silver = lake.read_table("silver.messages", lakes["uri"])
    token = silver.filter(pl.col("direction") == "inbound")["sender_token"].drop_nulls()[0]
    done = _vigia(
        [
            "reidentify",
            token,
            "--user",
            "compliance.demo",
            "--json",
            "--reason",
            "LGPD request 42: confirm the sender of this message",
        ],
        lakes["env"],
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["token"] == token
    log = lake.read_table("audit.access_log", lakes["uri"])
    assert log.filter((pl.col("token") == token) & (pl.col("outcome") == "granted")).height == 1


_WRITER = """
import sys
import polars as pl
from pipelines import lake
writer, rounds, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(rounds):
    frame = pl.DataFrame({"writer": [writer] * 5, "round": [i] * 5, "n": list(range(5))})
    lake.append(frame, "bronze.concurrency_probe", base=base)
"""


def test_concurrent_writers_to_one_table_lose_and_duplicate_nothing(endpoint):
    """Four processes append to one S3 table at once: S3 conditional put (If-None-Match) makes
    the Delta commit safe, so every append lands exactly once."""
    base = f"s3://{endpoint.bucket}/concurrency"
    lake.append(
        pl.DataFrame({"writer": ["seed"], "round": [0], "n": [0]}),
        "bronze.concurrency_probe",
        base=base,
    )
    env = {**os.environ, **endpoint.env()}
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, f"w{n}", "8", base], env=env)
        for n in range(4)
    ]
    assert [w.wait(timeout=300) for w in writers] == [0, 0, 0, 0]
    rows = lake.read_table("bronze.concurrency_probe", base)
    version = lake.delta_table("bronze.concurrency_probe", base).version()
    assert rows.height == 1 + 4 * 8 * 5
    assert rows.unique().height == rows.height
    per_writer = dict(rows.group_by("writer").len().iter_rows())
    assert per_writer == {"seed": 1, "w0": 40, "w1": 40, "w2": 40, "w3": 40}
    assert version == 4 * 8  # one commit per append after the first
