import os
import stat

import pytest

from pipelines.privacy.keys import MIN_KEY_BYTES, KeyConfigError, load_key
from pipelines.privacy.pseudonyms import Pseudonymizer


def test_key_file_created_with_mode_0600(tmp_path):
    path = tmp_path / "sub" / "pseudonym.key"
    key = load_key({"VIGIA_KEY_FILE": str(path)})
    assert len(key) == MIN_KEY_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert bytes.fromhex(path.read_text().strip()) == key
    assert not [p for p in path.parent.iterdir() if p.name != path.name]  # no temp file left


def test_default_key_file_relative_to_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    key = load_key({})
    assert (tmp_path / ".vigia" / "pseudonym.key").exists()
    assert load_key({}) == key


def test_same_key_on_second_call(tmp_path):
    env = {"VIGIA_KEY_FILE": str(tmp_path / "k.key")}
    assert load_key(env) == load_key(env)


def test_different_files_give_different_keys(tmp_path):
    assert load_key({"VIGIA_KEY_FILE": str(tmp_path / "a")}) != load_key(
        {"VIGIA_KEY_FILE": str(tmp_path / "b")}
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ab" * 32, bytes.fromhex("ab" * 32)),  # hex, 32 bytes
        ("0f" * 40, bytes.fromhex("0f" * 40)),  # hex, longer
        ("x" * 32, b"x" * 32),  # plain string of 32 characters
        ("ab" * 16, ("ab" * 16).encode()),  # hex of only 16 bytes, but 32 characters: as text
        ("çã" * 16, ("çã" * 16).encode("utf-8")),
    ],
)
def test_env_key_wins_over_file(tmp_path, value, expected):
    path = tmp_path / "never.key"
    assert load_key({"VIGIA_KEY": value, "VIGIA_KEY_FILE": str(path)}) == expected
    assert not path.exists()


@pytest.mark.parametrize("value", ["short-secret-value", "ab" * 15, "x" * 31])
def test_short_env_key_rejected_without_echo(value):
    with pytest.raises(KeyConfigError) as info:
        load_key({"VIGIA_KEY": value})
    assert str(MIN_KEY_BYTES) in str(info.value)
    assert value not in str(info.value)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_world_or_group_readable_key_file_rejected(tmp_path, mode):
    path = tmp_path / "k.key"
    load_key({"VIGIA_KEY_FILE": str(path)})
    secret = path.read_text().strip()
    os.chmod(path, mode)
    with pytest.raises(KeyConfigError) as info:
        load_key({"VIGIA_KEY_FILE": str(path)})
    assert "chmod 600" in str(info.value)
    assert secret not in str(info.value)


@pytest.mark.parametrize("content", ["not hex at all\n", "abcd\n", ""])
def test_bad_key_file_content_rejected(tmp_path, content):
    path = tmp_path / "k.key"
    path.write_text(content)
    os.chmod(path, 0o600)
    with pytest.raises(KeyConfigError, match=str(path)):
        load_key({"VIGIA_KEY_FILE": str(path)})


def test_key_never_in_str_or_repr_of_pseudonymizer(tmp_path):
    key = load_key({"VIGIA_KEY_FILE": str(tmp_path / "k.key")})
    p = Pseudonymizer(key)
    for shown in (str(p), repr(p), f"{p}"):
        assert key.hex() not in shown
        assert str(key) not in shown
