"""Cloud API messages reach silver.messages: parties as tokens, links applied, no duplicates."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from models.analyzer import build_analyzer
from pipelines import lake
from pipelines.conform.cloud_messages import conform_cloud_messages
from pipelines.conform.directory import Directory
from pipelines.conform.messages import SILVER_MESSAGES_SCHEMA, PrivacyContext, conform_messages
from pipelines.ingest.bronze_loader import ingest_landing
from pipelines.privacy.pseudonyms import Pseudonymizer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cloud_api"
KEY = b"c" * 32
EMPLOYEES = (
    "employee_id,name,phone,email,role,team,manager_id,extension\n"
    "E001,Ana Souza,(11) 91234-5678,ana@firma.adv.br,advogada,Cível,,2001\n"
)
CLIENTS = "client_id,name,phone,email,cpf\nC001,Maria Lima,11 98888-7777,maria@example.com,\n"
EXPORT = "27/10/2025 10:00 - Maria Lima: Bom dia\n27/10/2025 10:01 - Ana Souza: Oi Maria\n"


@pytest.fixture(scope="module")
def conformed(tmp_path_factory) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    root = tmp_path_factory.mktemp("cloud")
    landing = root / "landing"
    (landing / "reference").mkdir(parents=True)
    (landing / "reference" / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    (landing / "reference" / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    (landing / "cloud_api").mkdir()
    shutil.copy(FIXTURES / "all_types.jsonl", landing / "cloud_api" / "day1.jsonl")
    # the same first delivery again (a webhook retry) in another file
    first = (FIXTURES / "all_types.jsonl").read_text(encoding="utf-8").split("\n")[0]
    (landing / "cloud_api" / "retry.jsonl").write_text(first + "\n", encoding="utf-8")
    chat = landing / "whatsapp" / "E001"
    chat.mkdir(parents=True)
    (chat / "Conversa do WhatsApp com Maria Lima.txt").write_text(EXPORT, encoding="utf-8")
    base = str(root / "lake")
    ingest_landing(landing, base, timezone="America/Sao_Paulo")
    directory = Directory.load(landing / "reference")
    pseudo = Pseudonymizer(KEY, directory.aliases())
    privacy = PrivacyContext(KEY, pseudo, build_analyzer(directory.known_names()))
    bronze = lake.read_table("bronze.cloud_api_messages", base)
    cloud = conform_cloud_messages(bronze, directory, privacy, "America/Sao_Paulo")
    exported = lake.read_table("bronze.whatsapp_messages", base)
    return bronze, cloud, conform_messages(exported, directory, privacy, "America/Sao_Paulo")


def test_schema_and_one_row_per_message(conformed):
    bronze, silver, _ = conformed
    assert silver.schema == pl.Schema(SILVER_MESSAGES_SCHEMA)
    assert bronze.height == 22  # 21 + the retried delivery
    # the retry is dropped; the revoke is applied to the message it deletes
    assert silver.height == 20
    assert silver["message_id"].n_unique() == 20
    assert silver["bronze_record_id"].is_in(bronze["record_id"].implode()).all()


def test_statuses_create_no_messages(conformed):
    bronze, silver, _ = conformed
    unique_messages = bronze["wa_message_id"].n_unique()
    assert silver.height == unique_messages - 1  # minus the applied revoke; 5 statuses add none


def test_parties_direction_and_roles(conformed):
    _, silver, _ = conformed
    pseudo = Pseudonymizer(KEY)
    ana, maria = pseudo.token("tel:+5511912345678"), pseudo.token("tel:+5511988887777")
    assert set(silver["employee_token"]) == {ana}
    assert set(silver["counterpart_token"]) == {maria}
    assert set(silver["team"]) == {"Cível"}
    counts = silver.group_by("direction", "sender_role", "kind").len().sort("len")
    got = {(d, r, k): n for d, r, k, n in counts.iter_rows()}
    assert got == {
        ("outbound", "employee", "message"): 1,
        ("system", "system", "system"): 1,
        ("inbound", "client", "reaction"): 2,
        ("inbound", "client", "message"): 16,
    }
    outbound = silver.filter(pl.col("direction") == "outbound")
    assert outbound["sender_token"].to_list() == [ana]


def test_edits_and_revokes_flag_the_original(conformed):
    bronze, silver, _ = conformed
    by_record = dict(zip(bronze["record_id"], bronze["wa_message_id"], strict=True))
    flags = {
        by_record[r]: (d, e)
        for r, d, e in silver.select("bronze_record_id", "is_deleted", "is_edited").iter_rows()
    }
    assert flags["wamid.HBgM0001"] == (False, True)  # edited by wamid.HBgM0019
    assert flags["wamid.HBgM0019"] == (False, True)  # the edit, with the new text
    assert flags["wamid.HBgM0002"] == (True, False)  # revoked: kept, flagged
    assert "wamid.HBgM0020" not in flags  # the revoke itself is applied, not a message
    assert sum(d for d, _ in flags.values()) == 1


def test_times_are_utc_with_the_local_offset(conformed):
    _, silver, _ = conformed
    assert silver["sent_at"].dtype == pl.Datetime("us", "UTC")
    assert set(silver["utc_offset_minutes"]) == {-180}
    assert silver["event_date"].cast(pl.Utf8).unique().to_list() == ["2025-10-27"]


def test_same_chat_as_the_exported_conversation(conformed):
    _, cloud, exported = conformed
    assert set(cloud["chat_id"]) == set(exported["chat_id"])


def test_no_identifiers_in_clear(conformed):
    _, silver, _ = conformed
    for column in ("text_redacted", "attachment_redacted", "sender_token", "counterpart_token"):
        values = silver[column].drop_nulls()
        assert not values.str.contains("98888|91234|5511|Maria Lima").any(), column
    assert "foto do contrato" in silver["text_redacted"].to_list()
