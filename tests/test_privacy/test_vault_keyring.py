import stat

import pytest

from pipelines.privacy.keyring import VaultKey, add_key, load_keyring, retire_others
from pipelines.privacy.keys import KeyConfigError


def env_for(tmp_path, **extra):
    return {
        "VIGIA_VAULT_KEY_FILE": str(tmp_path / "v" / "vault.key"),
        "VIGIA_KEY_FILE": str(tmp_path / "v" / "pseudonym.key"),
        **extra,
    }


def test_keyring_created_on_first_use_with_mode_0600(tmp_path):
    env = env_for(tmp_path)
    ring = load_keyring(env)
    path = tmp_path / "v" / "vault.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(ring.keys) == 1 and ring.path == path
    assert load_keyring(env).active == ring.active  # same key on the next load
    assert not (tmp_path / "v" / "pseudonym.key").exists()  # the HMAC key is not touched


def test_key_id_names_the_key_without_showing_it():
    key = VaultKey(bytes(range(32)))
    assert key.key_id.startswith("K-") and len(key.key_id) == 14
    assert key.key_id == VaultKey(bytes(range(32))).key_id
    assert key.key_id != VaultKey(bytes(range(1, 33))).key_id
    for shown in (str(key), repr(key)):
        assert bytes(range(32)).hex() not in shown and key.key_id in shown


def test_env_key_is_used_and_never_written(tmp_path):
    env = env_for(tmp_path, VIGIA_VAULT_KEY="cd" * 32)
    ring = load_keyring(env)
    assert ring.active.material == bytes.fromhex("cd" * 32) and ring.path is None
    assert not (tmp_path / "v" / "vault.key").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"VIGIA_VAULT_KEY": "ab" * 32, "VIGIA_KEY": "ab" * 32}, "equals VIGIA_KEY"),
        ({"VIGIA_VAULT_KEY": "s3cr3t-vault-pw"}, "VIGIA_VAULT_KEY is too short"),
    ],
)
def test_env_key_errors(tmp_path, extra, message):
    with pytest.raises(KeyConfigError, match=message) as info:
        load_keyring(env_for(tmp_path, **extra))
    assert extra["VIGIA_VAULT_KEY"] not in str(info.value)


def test_vault_and_pseudonym_key_cannot_share_a_file(tmp_path):
    same = str(tmp_path / "one.key")
    with pytest.raises(KeyConfigError, match="own key file"):
        load_keyring({"VIGIA_VAULT_KEY_FILE": same, "VIGIA_KEY_FILE": same})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not-hex\n", "line 1"),
        ("# comment\n" + "ab" * 8 + "\n", "line 2"),
        ("# only comments\n", "holds no key"),
    ],
)
def test_malformed_keyring_names_file_and_line(tmp_path, content, message):
    path = tmp_path / "vault.key"
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(KeyConfigError, match=message) as info:
        load_keyring({"VIGIA_VAULT_KEY_FILE": str(path)})
    assert str(path) in str(info.value)


def test_group_readable_keyring_refused(tmp_path):
    env = env_for(tmp_path)
    load_keyring(env)
    path = tmp_path / "v" / "vault.key"
    path.chmod(0o640)
    with pytest.raises(KeyConfigError, match="chmod 600"):
        load_keyring(env)


def test_add_then_retire_keeps_only_the_new_key_and_records_the_old_id(tmp_path):
    env = env_for(tmp_path)
    first = load_keyring(env)
    grown = add_key(first)
    assert load_keyring(env).key_ids == (first.active.key_id, grown.active.key_id)
    kept = retire_others(grown)
    reloaded = load_keyring(env)
    assert reloaded.key_ids == (grown.active.key_id,)
    assert [key_id for key_id, _ in reloaded.retired] == [first.active.key_id]
    assert first.active.material.hex() not in (tmp_path / "v" / "vault.key").read_text()
    assert stat.S_IMODE((tmp_path / "v" / "vault.key").stat().st_mode) == 0o600
    with pytest.raises(KeyConfigError, match="retired"):
        kept.get(first.active.key_id)
    with pytest.raises(KeyConfigError, match="does not hold"):
        kept.get("K-000000000000")


def test_env_keyring_cannot_be_rotated(tmp_path):
    ring = load_keyring(env_for(tmp_path, VIGIA_VAULT_KEY="cd" * 32))
    with pytest.raises(KeyConfigError, match="unset it"):
        add_key(ring)
