"""Silver messages: who is who, UTC, redaction, and one row per message across re-exports."""

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from models.analyzer import build_analyzer
from pipelines import lake
from pipelines.conform.directory import Directory
from pipelines.conform.messages import PrivacyContext, conform_messages
from pipelines.ingest.bronze_loader import ingest_landing
from pipelines.privacy.pseudonyms import Pseudonymizer

KEY = b"k" * 32
EMPLOYEES = ("employee_id,name,phone,email,role,team,manager_id,extension\n"
             "E001,Ana Souza,(11) 91234-5678,ana@firma.adv.br,advogada,Cível,,2001\n")
CLIENTS = "client_id,name,phone,email,cpf\nC001,Maria Lima,11 98888-7777,maria@example.com,\n"
FIRST = ("27/10/2026 09:16 - Ana Souza: Bom dia Maria Lima, meu e-mail é ana@firma.adv.br\n"
         "27/10/2026 09:20 - Maria Lima: Meu CPF é 529.982.247-25, cel (11) 98888-7777\n")
LATER = FIRST + "28/10/2026 22:05 - Maria Lima: Esta mensagem foi apagada\n"


@pytest.fixture
def silver(tmp_path: Path) -> pl.DataFrame:
    landing = tmp_path / "landing"
    (landing / "reference").mkdir(parents=True)
    (landing / "reference" / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    (landing / "reference" / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    chat = landing / "whatsapp" / "E001"
    chat.mkdir(parents=True)
    (chat / "Conversa do WhatsApp com Maria Lima.txt").write_text(FIRST, encoding="utf-8")
    (chat / "Conversa do WhatsApp com Maria Lima (2).txt").write_text(LATER, encoding="utf-8")
    base = str(tmp_path / "lake")
    ingest_landing(landing, base)
    directory = Directory.load(landing / "reference")
    pseudo = Pseudonymizer(KEY, directory.aliases())
    privacy = PrivacyContext(KEY, pseudo, build_analyzer(directory.known_names()))
    bronze = lake.read_table("bronze.whatsapp_messages", base)
    assert bronze.height == 5
    return conform_messages(bronze, directory, privacy, "America/Sao_Paulo")


def test_the_same_message_in_two_exports_is_kept_once(silver):
    assert silver.height == 3
    assert silver["message_id"].n_unique() == 3


def test_parties_are_tokens_and_direction_follows_the_sender(silver):
    pseudo = Pseudonymizer(KEY)
    ana, maria = pseudo.token("tel:+5511912345678"), pseudo.token("tel:+5511988887777")
    assert set(silver["employee_token"]) == {ana}
    assert set(silver["counterpart_token"]) == {maria}
    assert silver["direction"].to_list() == ["outbound", "inbound", "inbound"]
    assert silver["sender_role"].to_list() == ["employee", "client", "client"]
    assert silver["team"].unique().to_list() == ["Cível"]


def test_times_are_utc_with_the_original_offset(silver):
    assert silver["sent_at"][0] == datetime(2026, 10, 27, 12, 16, tzinfo=UTC)
    assert silver["utc_offset_minutes"].unique().to_list() == [-180]
    assert silver["event_date"].cast(pl.Utf8).to_list()[-1] == "2026-10-28"


def test_text_is_redacted_with_the_person_token(silver):
    pseudo = Pseudonymizer(KEY)
    ana, maria = pseudo.token("tel:+5511912345678"), pseudo.token("tel:+5511988887777")
    first, second = silver["text_redacted"][0], silver["text_redacted"][1]
    assert "ana@firma" not in first and f"[EMAIL {ana}]" in first  # e-mail alias -> Ana's token
    assert f"[PESSOA {maria}]" in first
    assert "529.982.247-25" not in second and "[CPF P-" in second
    assert f"[TELEFONE {maria}]" in second
    assert silver["is_deleted"].to_list() == [False, False, True]
