import shutil
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.privacy.keyring import VaultKey, load_keyring
from pipelines.privacy.keys import KeyConfigError
from pipelines.privacy.vault import (
    VAULT_TABLE,
    Identity,
    UnknownTokenError,
    Vault,
    VaultError,
    VaultIntegrityError,
    seal,
    unseal,
)

PEOPLE = {
    "P-0123456789ab": Identity.of(
        "tel:+5511912345678",
        display_name="Ana Souza",
        role="employee",
        directory_id="E001",
        aliases=("cpf:52998224725", "email:ana.souza@vigia-exemplo.com.br"),
    ),
    "P-abcdef012345": Identity.of("email:joao.pereira@exemplo.com.br", role="external"),
    "P-00000000ffff": Identity.of("name:E001:conceicao aparecida", display_name="Conceição"),
    "P-111111111111": Identity.of("dialled:0800123456"),
}
# Every identifier above as it could leak, in the spellings a scan must not find.
SECRETS = [
    "5511912345678",
    "91234-5678",
    "52998224725",
    "ana.souza@vigia-exemplo",
    "Ana Souza",
    "ana souza",
    "joao.pereira@exemplo",
    "Conceição",
    "conceicao aparecida",
    "0800123456",
    "E001",
]


@pytest.fixture
def env(tmp_path):
    return {
        "VIGIA_VAULT_KEY_FILE": str(tmp_path / "keys" / "vault.key"),
        "VIGIA_KEY_FILE": str(tmp_path / "keys" / "pseudonym.key"),
    }


@pytest.fixture
def vault(tmp_path, env):
    return Vault(load_keyring(env), base=str(tmp_path / "lake"))


def table_bytes(base: str) -> bytes:
    root = Path(lake.table_uri(VAULT_TABLE, base))
    return b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


@pytest.mark.parametrize("token", list(PEOPLE))
def test_round_trip(vault, token):
    vault.upsert(PEOPLE)
    assert vault.lookup(token) == PEOPLE[token]


def test_identity_repr_hides_the_identifier():
    identity = PEOPLE["P-0123456789ab"]
    for shown in (repr(identity), str(identity), repr([identity])):
        assert "5511912345678" not in shown and "Ana" not in shown


def test_ciphertext_at_rest_contains_no_identifier(vault):
    vault.upsert(PEOPLE)
    data = table_bytes(vault.base)
    assert b"P-0123456789ab" in data  # the scan sees what is stored in clear: the tokens
    for secret in SECRETS:
        assert secret.encode("utf-8") not in data, secret


def test_ciphertext_length_hides_identifier_length(vault):
    vault.upsert({"P-000000000001": Identity.of("email:a@b.co"), **PEOPLE})
    sizes = {len(c) for c in vault.rows()["ciphertext"]}
    assert all((size - 16) % 64 == 0 for size in sizes)  # padded plaintext + 16-byte tag


def test_upsert_merges_on_token_and_never_duplicates(vault):
    first = vault.upsert(PEOPLE, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert (first.inserted, first.updated, first.unchanged) == (4, 0, 0)
    token = "P-abcdef012345"
    richer = Identity.of(
        "email:joao.pereira@exemplo.com.br", display_name="João", aliases=("tel:+5521987654321",)
    )
    second = vault.upsert({token: richer}, now=datetime(2026, 2, 1, tzinfo=UTC))
    assert (second.inserted, second.updated, second.unchanged) == (0, 1, 0)
    rows = vault.rows()
    assert rows.height == 4 and rows["token"].n_unique() == 4
    row = rows.filter(pl.col("token") == token).row(0, named=True)
    assert row["first_seen"] == datetime(2026, 1, 1, tzinfo=UTC)
    assert row["updated_at"] == datetime(2026, 2, 1, tzinfo=UTC)
    merged = vault.lookup(token)
    assert merged.display_name == "João" and merged.aliases == ("tel:+5521987654321",)
    assert merged.role == "external"


def test_unchanged_identities_are_not_rewritten(vault):
    vault.upsert(PEOPLE)
    version = lake.delta_table(VAULT_TABLE, vault.base).version()
    stats = vault.upsert(PEOPLE)
    assert (stats.inserted, stats.updated, stats.unchanged) == (0, 0, 4)
    assert lake.delta_table(VAULT_TABLE, vault.base).version() == version


@pytest.mark.parametrize(
    ("existing", "incoming", "expected_role"),
    [
        ("external", "employee", "employee"),
        (None, "client", "client"),
        ("employee", "external", "employee"),
        ("client", "employee", "client"),
    ],
)
def test_merge_prefers_the_known_role(existing, incoming, expected_role):
    old = Identity.of("tel:+5511912345678", role=existing)
    assert old.merge(Identity.of("tel:+5511912345678", role=incoming)).role == expected_role


def test_unknown_token_and_missing_table(vault):
    with pytest.raises(VaultError, match="does not exist yet"):
        vault.lookup("P-0123456789ab")
    vault.upsert(PEOPLE)
    with pytest.raises(UnknownTokenError):
        vault.lookup("P-999999999999")


@pytest.mark.parametrize("wrong", [VaultKey(b"\x01" * 32), VaultKey(b"x" * 40)])
def test_wrong_key_fails(wrong):
    right = VaultKey(b"\x02" * 32)
    nonce, ciphertext = seal(right, "P-0123456789ab", PEOPLE["P-0123456789ab"])
    with pytest.raises(VaultIntegrityError) as info:
        unseal(wrong, "P-0123456789ab", nonce, ciphertext)
    assert "5511912345678" not in str(info.value)


def test_vault_opened_with_another_keyring_refuses(vault, tmp_path):
    vault.upsert(PEOPLE)
    other = load_keyring({"VIGIA_VAULT_KEY_FILE": str(tmp_path / "other.key")})
    with pytest.raises(KeyConfigError, match="does not hold"):
        Vault(other, vault.base).lookup("P-0123456789ab")


def test_ciphertext_bound_to_its_token(vault):
    vault.upsert(PEOPLE)
    rows = vault.rows().sort("token")
    rolled = [-1, *range(rows.height - 1)]  # each row gets the previous row's sealed identity
    swapped = rows.with_columns(
        pl.Series("ciphertext", [rows["ciphertext"][i] for i in rolled]),
        pl.Series("nonce", [rows["nonce"][i] for i in rolled]),
    )
    lake.overwrite(swapped, VAULT_TABLE, base=vault.base)
    for token in PEOPLE:
        with pytest.raises(VaultIntegrityError, match=token):
            vault.lookup(token)


@pytest.mark.parametrize("column", ["ciphertext", "nonce"])
def test_altered_byte_is_detected(vault, column):
    vault.upsert(PEOPLE)
    rows = vault.rows()
    flipped = [bytes([v[0] ^ 1]) + v[1:] for v in rows[column]]
    lake.overwrite(rows.with_columns(pl.Series(column, flipped)), VAULT_TABLE, base=vault.base)
    with pytest.raises(VaultIntegrityError):
        vault.lookup("P-0123456789ab")


def test_rotation_keeps_every_identity_and_changes_key_ids(vault, env, tmp_path):
    vault.upsert(PEOPLE)
    old_ids = set(vault.rows()["key_id"])
    old_keyring = tmp_path / "old.key"
    shutil.copy(env["VIGIA_VAULT_KEY_FILE"], old_keyring)
    before = vault.rows().select("token", "first_seen", "updated_at").sort("token")

    rotation = vault.rotate()

    assert rotation.rows_reencrypted == len(PEOPLE)
    assert set(rotation.retired_key_ids) == old_ids
    fresh = Vault(load_keyring(env), vault.base)  # as a later process sees it
    rows = fresh.rows()
    assert set(rows["key_id"]) == {rotation.active_key_id} and not old_ids & {
        rotation.active_key_id
    }
    assert rows.select("token", "first_seen", "updated_at").sort("token").equals(before)
    for token, identity in PEOPLE.items():
        assert fresh.lookup(token) == identity
    assert fresh.keyring.key_ids == (rotation.active_key_id,)
    for secret in SECRETS:
        assert secret.encode("utf-8") not in table_bytes(vault.base)
    # the old key is gone: the old keyring cannot read the rotated table
    old = load_keyring({"VIGIA_VAULT_KEY_FILE": str(old_keyring)})
    with pytest.raises(KeyConfigError):
        Vault(old, vault.base).lookup("P-0123456789ab")


def test_rotation_vacuums_old_ciphertexts_unless_asked_to_keep_them(vault, env):
    vault.upsert(PEOPLE)
    old_ciphertexts = list(vault.rows()["ciphertext"])
    vault.rotate()
    data = table_bytes(vault.base)
    assert not any(c in data for c in old_ciphertexts)
    kept = list(vault.rows()["ciphertext"])
    Vault(load_keyring(env), vault.base).rotate(vacuum=False)
    assert all(c in table_bytes(vault.base) for c in kept)


def test_rotation_twice_and_on_an_empty_vault(vault, env):
    first = vault.rotate()  # no table yet: only the keyring changes
    assert first.rows_reencrypted == 0 and not vault.exists()
    vault.upsert(PEOPLE)
    second = Vault(load_keyring(env), vault.base).rotate()
    assert second.retired_key_ids == (first.active_key_id,)
    assert Vault(load_keyring(env), vault.base).lookup("P-111111111111") == PEOPLE["P-111111111111"]


def test_interrupted_rotation_leaves_every_row_readable(vault, env, monkeypatch):
    vault.upsert(PEOPLE)

    def crash(keyring, now=None):
        raise OSError("disk full")

    monkeypatch.setattr("pipelines.privacy.vault.retire_others", crash)
    with pytest.raises(OSError):
        vault.rotate()
    monkeypatch.undo()
    ring = load_keyring(env)
    assert len(ring.keys) == 2
    for token, identity in PEOPLE.items():
        assert Vault(ring, vault.base).lookup(token) == identity
    Vault(ring, vault.base).rotate()  # running it again finishes the job
    assert len(load_keyring(env).keys) == 1
