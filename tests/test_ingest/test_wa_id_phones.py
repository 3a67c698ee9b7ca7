"""A Cloud API ``wa_id`` without the ninth digit of a Brazilian mobile ("558588887777") is the
same person, E.164 number and pseudonym as the export's "+55 85 98888-7777"; landlines and
numbers of other countries are left as they are."""

from __future__ import annotations

import json

import polars as pl
import pytest

from models.analyzer import build_analyzer
from pipelines import lake
from pipelines.conform.cloud_messages import conform_cloud_messages, wa_number
from pipelines.conform.directory import Directory
from pipelines.conform.messages import PrivacyContext, conform_messages
from pipelines.ingest.bronze_loader import ingest_landing
from pipelines.privacy.phones import to_e164
from pipelines.privacy.pseudonyms import Pseudonymizer

KEY = b"w" * 32


@pytest.mark.parametrize(
    ("wa_id", "as_exported", "e164"),
    [
        ("558588887777", "+55 85 98888-7777", "+5585988887777"),  # Fortaleza, 8 -> 98
        ("5585988887777", "+55 85 98888-7777", "+5585988887777"),  # already with the 9
        ("551178887777", "(11) 97888-7777", "+5511978887777"),  # 7xxx: phonenumbers accepts it
        ("556196665555", "61 99666-5555", "+5561996665555"),  # 6xxx
        ("552199998888", "+55 21 99999-8888", "+5521999998888"),  # 9xxx
        ("555181234567", "+55 51 98123-4567", "+5551981234567"),  # area code 51, not the country
    ],
)
def test_a_mobile_wa_id_gets_the_ninth_digit(wa_id, as_exported, e164):
    assert to_e164(wa_number(wa_id)) == to_e164(as_exported) == e164
    pseudo = Pseudonymizer(KEY)
    assert pseudo.token_for_phone(wa_number(wa_id)) == pseudo.token_for_phone(as_exported)


@pytest.mark.parametrize(
    ("wa_id", "e164"),
    [
        ("558532221111", "+558532221111"),  # landline starting with 3
        ("551125550000", "+551125550000"),  # 2
        ("554140041234", "+554140041234"),  # 4
        ("555133334444", "+555133334444"),  # 5
        ("351912345678", "+351912345678"),  # Portugal
        ("16502530000", "+16502530000"),  # United States
        ("5511912345678", "+5511912345678"),  # 11 digits already
    ],
)
def test_landlines_and_other_countries_are_unchanged(wa_id, e164):
    assert to_e164(wa_number(wa_id)) == e164


@pytest.mark.parametrize(
    "wa_id",
    [
        "552088887777",  # area code 20 does not exist
        "55858888777",  # one digit short
        "5585888877771",  # a mobile with the 9 needs 13 digits; this is not one
        "",
    ],
)
def test_invalid_wa_ids_give_none(wa_id):
    assert to_e164(wa_number(wa_id)) is None


CLIENTS = "client_id,name,phone,email,cpf\nC001,Maria Lima,+55 85 98888-7777,,\n"
EMPLOYEES = (
    "employee_id,name,phone,email,role,team,manager_id,extension\n"
    "E001,Ana Souza,(11) 91234-5678,ana@firma.adv.br,advogada,Cível,,2001\n"
    "E002,Bruno Lima,(11) 91234-0000,bruno@firma.adv.br,advogado,Cível,,2002\n"
)


def delivery(wa_id: str) -> str:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "5511912340000", "phone_number_id": "1"},
        "contacts": [{"profile": {"name": "Maria"}, "wa_id": wa_id}],
        "messages": [
            {
                "from": wa_id,
                "id": "wamid.X1",
                "timestamp": "1761570000",
                "type": "text",
                "text": {"body": "Bom dia"},
            }
        ],
    }
    entry = {"id": "1", "changes": [{"value": value, "field": "messages"}]}
    return json.dumps({"object": "whatsapp_business_account", "entry": [entry]}) + "\n"


def test_webhook_and_export_name_the_same_counterpart(tmp_path):
    landing = tmp_path / "landing"
    (landing / "reference").mkdir(parents=True)
    (landing / "reference" / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    (landing / "reference" / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    (landing / "cloud_api").mkdir()
    (landing / "cloud_api" / "day.jsonl").write_text(delivery("558588887777"), encoding="utf-8")
    chat = landing / "whatsapp" / "E001"
    chat.mkdir(parents=True)
    export = "27/10/2025 10:00 - +55 85 98888-7777: Bom dia\n27/10/2025 10:01 - Ana Souza: Oi\n"
    (chat / "Conversa do WhatsApp com +55 85 98888-7777.txt").write_text(export, encoding="utf-8")
    base = str(tmp_path / "lake")
    ingest_landing(landing, base, timezone="America/Sao_Paulo")
    directory = Directory.load(landing / "reference")
    privacy = PrivacyContext(
        KEY, Pseudonymizer(KEY, directory.aliases()), build_analyzer(directory.known_names())
    )
    cloud = conform_cloud_messages(
        lake.read_table("bronze.cloud_api_messages", base), directory, privacy, "America/Sao_Paulo"
    )
    exported = conform_messages(
        lake.read_table("bronze.whatsapp_messages", base), directory, privacy, "America/Sao_Paulo"
    )
    maria = Pseudonymizer(KEY).token("tel:+5585988887777")
    assert set(cloud["counterpart_token"]) == set(exported["counterpart_token"]) == {maria}
    inbound = pl.concat([cloud, exported]).filter(pl.col("direction") == "inbound")
    assert set(inbound["sender_role"]) == {"client"}  # found in the directory both ways
