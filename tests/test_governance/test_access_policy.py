from pathlib import Path

import pytest

from pipelines.governance.access_policy import AccessConfigError, load_policy

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "access.yaml"
    path.write_text(text)
    return path


def test_shipped_access_file_loads_and_limits_reidentification():
    policy = load_policy(REPO / "config" / "access.yaml")
    assert policy.roles_with("reidentify") == ["compliance", "dpo"]
    assert policy.roles_with("rotate_vault_key") == ["dpo"]
    for role in ("manager", "analyst"):
        assert not policy.may(role, "reidentify")


def test_env_names_the_access_file(tmp_path):
    path = write(tmp_path, "roles: {dpo: {reidentify: true}}\nusers: {ana: dpo}\n")
    policy = load_policy(env={"VIGIA_ACCESS_FILE": str(path)})
    assert policy.role_of(" ana ") == "dpo" and policy.may("dpo", "reidentify")
    assert policy.role_of("bob") is None and not policy.may(None, "reidentify")


@pytest.mark.parametrize(
    ("reason", "problem"),
    [
        (None, "no_reason"),
        ("", "no_reason"),
        (" \n\t ", "no_reason"),
        ("x", "reason_too_short"),
        ("a  b  c  d  e  f", "reason_too_short"),  # whitespace does not count twice
        ("pedido do titular", None),
        ("processo 0001234-56.2026.8.26.0100", None),
    ],
)
def test_reason_rules(tmp_path, reason, problem):
    path = write(tmp_path, "min_reason_chars: 12\nroles: {dpo: {}}\nusers: {}\n")
    assert load_policy(path).reason_problem(reason) == problem


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a list\n", "expected a mapping"),
        ("users: {}\n", "`roles` must map"),
        ("roles: {dpo: [reidentify]}\nusers: {}\n", "roles.dpo must be a mapping"),
        ("roles: {dpo: {see_all: true}}\nusers: {}\n", "roles.dpo: unknown permission 'see_all'"),
        ("roles: {dpo: {reidentify: 'yes'}}\nusers: {}\n", "roles.dpo: permissions take true"),
        ("roles: {dpo: {}}\nusers: [ana]\n", "`users` must map"),
        ("roles: {dpo: {}}\nusers: {ana: boss}\n", "users.ana: role 'boss' is not one of dpo"),
        ("roles: {dpo: {}}\nusers: {ana: {name: Ana}}\n", "users.ana: role None"),
        ("min_reason_chars: 0\nroles: {dpo: {}}\nusers: {}\n", "min_reason_chars must be"),
        ("roles: {dpo: {}\n", "not a readable YAML file"),
    ],
)
def test_malformed_access_file_names_file_and_entry(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(AccessConfigError, match=message) as info:
        load_policy(path)
    assert str(path) in str(info.value)


def test_missing_access_file(tmp_path):
    with pytest.raises(AccessConfigError, match="VIGIA_ACCESS_FILE"):
        load_policy(tmp_path / "nope.yaml")
