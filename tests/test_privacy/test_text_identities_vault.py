"""Names (and CPFs, e-mails...) found in message text reach the vault and can be re-identified.

End to end on a small lakehouse: landing chat -> bronze -> silver (the name becomes
"[PESSOA P-…]") -> the vault/identities asset -> `vigia reidentify` with a reason -> the name,
and one granted row in audit.access_log. Clear values are nowhere but in the encrypted vault.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.cli import main
from pipelines.conform.messages import conform_messages
from pipelines.defs.governance.assets import vault_identities
from pipelines.defs.resources import FirmResource, LakehouseResource
from pipelines.governance.access_log import read_access_log
from pipelines.governance.text_identities import placeholder_tokens
from pipelines.ingest.bronze_loader import ingest_landing
from pipelines.privacy.keyring import load_keyring
from pipelines.privacy.vault import VAULT_TABLE, Vault

TEST_KEY = "3d" * 32  # test-only pseudonym key (hex)
TEST_VAULT_KEY = "e1" * 32  # test-only vault key (hex)
EMPLOYEES = (
    "employee_id,name,phone,email,role,team,manager_id,extension\n"
    "E001,Ana Souza,(11) 91234-5678,ana@firma.adv.br,advogada,Cível,,2001\n"
)
CLIENTS = "client_id,name,phone\nC001,Maria Lima,11 98888-7777\n"
THIRD_PARTY = "Roberto Carvalho Dias"
CPF = "529.982.247-25"
EMAIL = "roberto.dias@exemplo.com.br"
CHAT = (
    "27/10/2026 09:16 - Maria Lima: Bom dia doutora\n"
    f"27/10/2026 09:20 - Maria Lima: fala com o {THIRD_PARTY} amanhã, o cpf dele é {CPF}\n"
    f"27/10/2026 09:25 - Ana Souza: Ok. O e-mail dele é {EMAIL}?\n"
    f"27/10/2026 09:26 - Maria Lima: isso. O {THIRD_PARTY.upper()} ligou de novo\n"
    "27/10/2026 09:30 - Ana Souza: A Maria Lima pode trazer os documentos\n"
)
ACCESS = (
    "min_reason_chars: 15\nroles:\n  compliance: {reidentify: true}\nusers:\n  carla: compliance\n"
)
REASON = "Ofício 77/2026: identificar a testemunha citada na conversa"
PLACEHOLDER = re.compile(r"\[([A-Z_]+) (P-[0-9a-f]{12})\]")


@pytest.fixture(scope="module")
def lakehouse(tmp_path_factory):
    root: Path = tmp_path_factory.mktemp("text_ids")
    landing = root / "landing"
    (landing / "reference").mkdir(parents=True)
    (landing / "reference" / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    (landing / "reference" / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    chat = landing / "whatsapp" / "E001" / "Conversa do WhatsApp com Maria Lima.txt"
    chat.parent.mkdir(parents=True)
    chat.write_text(CHAT, encoding="utf-8")
    (root / "access.yaml").write_text(ACCESS, encoding="utf-8")
    base = str(root / "lake")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIA_KEY", TEST_KEY)
        patch.setenv("VIGIA_VAULT_KEY", TEST_VAULT_KEY)
        patch.setenv("LAKEHOUSE_URI", base)
        patch.setenv("VIGIA_ACCESS_FILE", str(root / "access.yaml"))
        ingest_landing(landing, base)
        resources = {
            "lakehouse": LakehouseResource(uri=base),
            "firm": FirmResource(landing_dir=str(landing)),
        }
        firm = resources["firm"]
        bronze = lake.read_table("bronze.whatsapp_messages", base)
        silver = conform_messages(bronze, firm.directory(), firm.privacy(), firm.timezone)
        lake.append(silver, "silver.messages", base=base)
        first = vault_identities(**resources).metadata
        second = vault_identities(**resources).metadata
        yield {
            "root": root,
            "base": base,
            "silver": silver,
            "first": first,
            "second": second,
            "pseudonymizer": firm.privacy().pseudonymizer,
            "vault": Vault(load_keyring(), base),
        }


def _placeholders(silver: pl.DataFrame) -> list[tuple[str, str]]:
    return [m for text in silver["text_redacted"].to_list() for m in PLACEHOLDER.findall(text)]


def test_the_name_in_text_is_a_token_in_silver(lakehouse):
    texts = "\n".join(lakehouse["silver"]["text_redacted"].to_list())
    for clear in (THIRD_PARTY, THIRD_PARTY.upper(), CPF, EMAIL):
        assert clear not in texts
    labels = [label for label, _token in _placeholders(lakehouse["silver"])]
    assert labels.count("PESSOA") == 3 and "CPF" in labels and "EMAIL" in labels


@pytest.mark.parametrize(
    ("label", "identifier", "kind", "shown"),
    [
        ("PESSOA", "name:directory:roberto carvalho dias", "PERSON", THIRD_PARTY),
        ("CPF", "cpf:52998224725", "CPF", CPF),
        ("EMAIL", f"email:{EMAIL}", "EMAIL", EMAIL),
    ],
)
def test_values_found_in_text_are_in_the_vault(lakehouse, label, identifier, kind, shown):
    token = lakehouse["pseudonymizer"].token(identifier)
    assert (label, token) in _placeholders(lakehouse["silver"])
    identity = lakehouse["vault"].lookup(token)
    assert (identity.identifier, identity.kind, identity.display_name) == (identifier, kind, shown)


def test_one_vault_row_per_token_and_known_people_keep_their_entry(lakehouse):
    rows = lakehouse["vault"].rows()
    assert rows["token"].n_unique() == rows.height
    # both spellings of the third party are one token, hence one row
    tokens = {t for label, t in _placeholders(lakehouse["silver"]) if label == "PESSOA"}
    maria = lakehouse["pseudonymizer"].token("tel:+5511988887777")
    assert maria in tokens  # "Maria Lima" in text carries her phone's token...
    assert len(tokens) == 2
    identity = lakehouse["vault"].lookup(maria)
    assert (identity.kind, identity.directory_id) == ("phone", "C001")  # ...and her own entry
    assert lakehouse["first"]["tokens_from_text"] == 3  # the name, the CPF, the e-mail
    assert lakehouse["first"]["text_tokens_unresolved"] == 0


def test_a_rerun_analyses_nothing_again(lakehouse):
    second = lakehouse["second"]
    assert second["texts_analysed"] == second["tokens_from_text"] == 0
    assert second["inserted"] == second["updated"] == 0
    assert (
        set(
            placeholder_tokens(lake.scan_table("silver.messages", lakehouse["base"])).collect()[
                "token"
            ]
        )
        <= lakehouse["vault"].tokens()
    )


def test_clear_values_are_only_inside_the_ciphertext(lakehouse):
    root = Path(lake.table_uri(VAULT_TABLE, lakehouse["base"]))
    stored = b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())
    for clear in (THIRD_PARTY, THIRD_PARTY.lower(), "roberto carvalho", CPF, "52998224725", EMAIL):
        assert clear.encode("utf-8") not in stored


def test_reidentify_the_name_with_a_reason_is_answered_and_logged(lakehouse, capsys, monkeypatch):
    monkeypatch.setenv("LAKEHOUSE_URI", lakehouse["base"])
    monkeypatch.setenv("VIGIA_VAULT_KEY", TEST_VAULT_KEY)
    monkeypatch.setenv("VIGIA_ACCESS_FILE", str(lakehouse["root"] / "access.yaml"))
    token = lakehouse["pseudonymizer"].token("name:directory:roberto carvalho dias")
    before = read_access_log(lakehouse["base"]).height
    assert main(["reidentify", token, "--user", "carla", "--reason", REASON]) == 0
    out, err = capsys.readouterr()
    assert THIRD_PARTY in out and "PERSON" in out and err == ""
    log = read_access_log(lakehouse["base"])
    assert log.height == before + 1
    row = log.row(-1, named=True)
    assert (row["user"], row["token"], row["outcome"], row["reason"]) == (
        "carla",
        token,
        "granted",
        REASON,
    )
    assert THIRD_PARTY not in str(row)
    # no reason, no answer (and still one more row)
    assert main(["reidentify", token, "--user", "carla"]) == 2
    out, _err = capsys.readouterr()
    assert THIRD_PARTY not in out
    assert read_access_log(lakehouse["base"]).height == before + 2
