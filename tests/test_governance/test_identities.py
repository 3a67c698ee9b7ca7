"""The vault's population resolves people exactly as silver does."""

from pathlib import Path

import polars as pl
import pytest

from models.analyzer import build_analyzer
from pipelines import lake
from pipelines.conform.directory import Directory
from pipelines.conform.messages import PrivacyContext, conform_messages
from pipelines.governance.identities import collect_identities
from pipelines.ingest.bronze_loader import ingest_landing
from pipelines.privacy.pseudonyms import Pseudonymizer

KEY = b"q" * 32
EMPLOYEES = (
    "employee_id,name,phone,email,role,team,manager_id,extension\n"
    "E001,Ana Souza,(11) 91234-5678,ana@firma.adv.br,advogada,Cível,,2001\n"
    "E002,Bruno Reis,,bruno@firma.adv.br,estagiário,Cível,E001,2002\n"
)
CLIENTS = "client_id,name,phone\nC001,Maria Lima,11 98888-7777\n"
CHATS = {
    "E001/Conversa do WhatsApp com Maria Lima.txt": (
        "27/10/2026 09:16 - Ana Souza: Bom dia\n27/10/2026 09:20 - Maria Lima: Oi\n"
    ),
    "E001/Conversa do WhatsApp com Zé do Bar.txt": (
        "27/10/2026 10:00 - Ana Souza: Olá\n27/10/2026 10:01 - Zé do Bar: Fala doutora\n"
        "27/10/2026 10:02 - +55 21 97777-6666: Sou o sócio dele\n"
    ),
}


@pytest.fixture(scope="module")
def firm(tmp_path_factory):
    root: Path = tmp_path_factory.mktemp("ids")
    landing = root / "landing"
    (landing / "reference").mkdir(parents=True)
    (landing / "reference" / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    (landing / "reference" / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    for name, text in CHATS.items():
        path = landing / "whatsapp" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    base = str(root / "lake")
    ingest_landing(landing, base)
    directory = Directory.load(landing / "reference")
    privacy = PrivacyContext(
        KEY, Pseudonymizer(KEY, directory.aliases()), build_analyzer(directory.known_names())
    )
    bronze = lake.read_table("bronze.whatsapp_messages", base)
    silver = conform_messages(bronze, directory, privacy, "America/Sao_Paulo")
    cloud = pl.LazyFrame(
        {
            "business_phone": ["5511912345678", "5511912345678"],
            "client_wa_id": ["5531966665555", "5531966665555"],
            "contact_name": ["Dona Cida", None],
        }
    )
    identities = collect_identities(directory, privacy, whatsapp=bronze.lazy(), cloud=cloud)
    return {"silver": silver, "identities": identities, "pseudo": privacy.pseudonymizer}


def test_every_party_of_silver_is_collected(firm):
    silver = firm["silver"]
    tokens = set()
    for column in ("sender_token", "employee_token", "counterpart_token"):
        tokens |= set(silver[column].drop_nulls())
    assert tokens and tokens <= set(firm["identities"])


@pytest.mark.parametrize(
    ("identifier", "kind", "name", "role", "directory_id"),
    [
        ("tel:+5511912345678", "phone", "Ana Souza", "employee", "E001"),
        ("email:bruno@firma.adv.br", "email", "Bruno Reis", "employee", "E002"),
        ("tel:+5511988887777", "phone", "Maria Lima", "client", "C001"),
        ("name:E001:ze do bar", "name", "Zé do Bar", "external", None),
        ("tel:+5521977776666", "phone", None, "external", None),  # a number shows no name
        ("tel:+5531966665555", "phone", "Dona Cida", "external", None),  # Cloud API profile
    ],
)
def test_identities(firm, identifier, kind, name, role, directory_id):
    identity = firm["identities"][firm["pseudo"].token(identifier)]
    assert identity.identifier == identifier
    assert (identity.kind, identity.display_name, identity.role, identity.directory_id) == (
        kind,
        name,
        role,
        directory_id,
    )


def test_aliases_share_the_token_and_are_listed(firm):
    pseudo = firm["pseudo"]
    ana = firm["identities"][pseudo.token("email:ana@firma.adv.br")]
    assert ana.identifier == "tel:+5511912345678"
    assert ana.aliases == ("email:ana@firma.adv.br",)


def test_one_identity_per_token(firm):
    identifiers = [i.identifier for i in firm["identities"].values()]
    assert len(identifiers) == len(set(identifiers)) == 6
