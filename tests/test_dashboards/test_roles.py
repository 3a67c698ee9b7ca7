"""Dashboard accounts in the access file, viewers and their team scope, pages per role, and the
cookie key rules."""

import os
from pathlib import Path

import bcrypt
import pytest
from gold_lake import USERS, write_access_file

from dashboards import roles
from dashboards.auth import AuthConfigError, cookie_key
from pipelines.governance.access_policy import AccessConfigError, hash_password, load_policy

REPO = Path(__file__).resolve().parents[2]
# The demo passwords the README publishes for config/access.yaml.
DEMO = {
    "compliance.demo": ("compliance-demo-2026", "compliance", ()),
    "dpo.demo": ("dpo-demo-2026", "dpo", ()),
    "manager.demo": ("manager-demo-2026", "manager", ("Trabalhista",)),
    "manager.civel": ("manager-demo-2026", "manager", ("Cível", "Família")),
    "analyst.demo": ("analyst-demo-2026", "analyst", ()),
}


@pytest.fixture
def policy(tmp_path):
    return load_policy(write_access_file(tmp_path / "access.yaml"))


def test_shipped_access_file_has_the_documented_demo_logins() -> None:
    policy = load_policy(REPO / "config" / "access.yaml")
    for login, (password, role, teams) in DEMO.items():
        account = policy.accounts[login]
        assert policy.role_of(login) == role and account.teams == teams
        assert bcrypt.checkpw(password.encode(), account.password_hash.encode()), login
    assert not bcrypt.checkpw(b"manager-demo-2025", policy.accounts["manager.demo"]
                              .password_hash.encode())
    credentials = policy.dashboard_credentials()["usernames"]
    assert set(credentials) == set(DEMO)
    assert all(entry["password"].startswith("$2b$") for entry in credentials.values())


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{role: manager, teams: [A], password: hunter2hunter2}", "must be a bcrypt hash"),
        ("{role: manager, teams: [A], password: 12}", "must be a bcrypt hash"),
        ("{role: manager, password: HASH}", "sees only its own teams"),
        ("{role: manager, teams: [''], password: HASH}", "teams must be a list"),
        ("{role: manager, teams: {a: 1}, password: HASH}", "teams must be a list"),
    ],
)
def test_bad_dashboard_accounts_name_the_user(tmp_path, entry, message) -> None:
    text = ("roles: {manager: {view_aggregates: true}}\nusers:\n  maria: "
            + entry.replace("HASH", hash_password("x", rounds=4)) + "\n")
    path = tmp_path / "access.yaml"
    path.write_text(text)
    with pytest.raises(AccessConfigError, match=message) as info:
        load_policy(path)
    assert f"{path}: users.maria" in str(info.value)


def test_cli_only_users_and_strings_still_load(tmp_path) -> None:
    path = tmp_path / "access.yaml"
    path.write_text("roles: {dpo: {reidentify: true}, manager: {view_aggregates: true}}\n"
                    "users: {ana: dpo, bob: {role: manager}}\n")
    policy = load_policy(path)
    assert policy.role_of("ana") == "dpo" and policy.dashboard_credentials() == {"usernames": {}}
    assert roles.viewer_for(policy, "ana") is None  # no password: no dashboard login


@pytest.mark.parametrize(
    ("login", "pages"),
    [
        ("carla", {"Overview", "Contact frequency", "Contact timing", "Misconduct trends", "Calls",
                   "Flagged messages", "Alerts & review queue", "Evidence", "Re-identification",
                   "Data quality"}),
        ("maria", {"Overview", "Contact frequency", "Contact timing", "Misconduct trends", "Calls",
                   "Flagged messages", "Alerts & review queue"}),
        ("ana", {"Overview", "Contact frequency", "Contact timing", "Misconduct trends", "Calls",
                 "Data quality"}),
        ("diego", {"Re-identification", "Data quality", "Access audit"}),
    ],
)
def test_pages_per_role(policy, login, pages) -> None:
    viewer = roles.viewer_for(policy, login)
    assert {page.title for page in roles.pages_for(viewer)} == pages


@pytest.mark.parametrize(
    ("login", "selected", "scope"),
    [
        ("carla", (), None),                                   # all teams
        ("carla", ("Tributario",), ("Tributario",)),
        ("ana", ("Contencioso", "Tributario"), ("Contencioso", "Tributario")),
        ("maria", (), ("Contencioso",)),                       # own team, whatever is asked
        ("maria", ("Contencioso",), ("Contencioso",)),
        ("maria", ("Tributario",), ()),                        # another team: nothing
        ("maria", ("Tributario", "Contencioso"), ("Contencioso",)),
        ("tiago", (), ("Tributario",)),
    ],
)
def test_team_scope(policy, login, selected, scope) -> None:
    assert roles.viewer_for(policy, login).team_scope(selected) == scope


def test_viewer_for_unknown_login_is_none(policy) -> None:
    assert roles.viewer_for(policy, "mallory") is None
    assert roles.viewer_for(policy, None) is None
    assert roles.viewer_for(policy, " maria ").user == "maria"
    assert set(USERS) == {"carla", "maria", "tiago", "ana", "diego"}


def test_require_names_the_permission(policy) -> None:
    analyst = roles.viewer_for(policy, "ana")
    with pytest.raises(roles.NotAllowed, match="'view_messages'"):
        analyst.require("view_messages")
    analyst.require("view_aggregates")


def private_file(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    os.chmod(path, mode)
    return path


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"VIGIA_DASHBOARD_COOKIE_KEY": "k" * 40}, "k" * 40),
        ({"VIGIA_DASHBOARD_COOKIE_KEY": "k" * 40, "VIGIA_ENV": "prod"}, "k" * 40),
        ({}, None),                      # local: the app uses a random per-process key
        ({"VIGIA_ENV": "ci"}, None),
    ],
)
def test_cookie_key_from_env(env, expected) -> None:
    assert cookie_key(env) == expected


def test_cookie_key_file(tmp_path) -> None:
    good = private_file(tmp_path / "cookie.key", "f" * 64 + "\n")
    assert cookie_key({"VIGIA_DASHBOARD_COOKIE_KEY_FILE": str(good), "VIGIA_ENV": "prod"}) == (
        "f" * 64)
    loose = private_file(tmp_path / "loose.key", "f" * 64, 0o644)
    with pytest.raises(AuthConfigError, match="chmod 600"):
        cookie_key({"VIGIA_DASHBOARD_COOKIE_KEY_FILE": str(loose)})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"VIGIA_ENV": "prod"}, "VIGIA_ENV=prod needs a dashboard cookie key"),
        ({"VIGIA_DASHBOARD_COOKIE_KEY": "short"}, "too short"),
    ],
)
def test_cookie_key_refusals(env, message) -> None:
    with pytest.raises(AuthConfigError, match=message):
        cookie_key(env)
