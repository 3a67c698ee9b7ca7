"""vigia reidentify / vigia vault: answers only allowed roles with a reason; logs every attempt."""

import json
from datetime import UTC, datetime

import polars as pl
import pytest

from pipelines.cli import main
from pipelines.governance.access_log import read_access_log
from pipelines.privacy.keyring import load_keyring
from pipelines.privacy.vault import Identity, Vault

TOKEN = "P-0123456789ab"
IDENTITY = Identity.of(
    "tel:+5511912345678",
    display_name="Ana Souza",
    role="client",
    aliases=("email:ana.souza@vigia-exemplo.com.br",),
)
IDENTIFYING = ["5511912345678", "Ana Souza", "ana.souza@vigia-exemplo", "tel:"]
REASON = "Ofício 123/2026 da ANPD: pedido de acesso do titular"
ACCESS = """
min_reason_chars: 15
roles:
  compliance: {reidentify: true}
  dpo: {reidentify: true, rotate_vault_key: true}
  manager: {}
users:
  carla: compliance
  diego: {role: dpo}
  maria: manager
"""


@pytest.fixture
def lakehouse(tmp_path, monkeypatch):
    base = str(tmp_path / "lake")
    access = tmp_path / "access.yaml"
    access.write_text(ACCESS)
    monkeypatch.setenv("LAKEHOUSE_URI", base)
    monkeypatch.setenv("VIGIA_ACCESS_FILE", str(access))
    monkeypatch.setenv("VIGIA_VAULT_KEY_FILE", str(tmp_path / "keys" / "vault.key"))
    monkeypatch.setenv("VIGIA_KEY_FILE", str(tmp_path / "keys" / "pseudonym.key"))
    monkeypatch.delenv("VIGIA_VAULT_KEY", raising=False)
    Vault(load_keyring(), base).upsert({TOKEN: IDENTITY})
    return base


def run(capsys, *argv):
    code = main(["reidentify", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("user", "reason", "token", "detail"),
    [
        ("carla", None, TOKEN, "no_reason"),
        ("carla", "", TOKEN, "no_reason"),
        ("carla", "   \t ", TOKEN, "no_reason"),
        ("carla", "porque sim", TOKEN, "reason_too_short"),
        ("maria", REASON, TOKEN, "role_not_allowed"),
        ("mallory", REASON, TOKEN, "unknown_user"),
        (None, REASON, TOKEN, "unknown_user"),
        ("carla", REASON, "P-999999999999", "unknown_token"),
        ("carla", REASON, "+5511912345678", "malformed_token"),
        ("carla", REASON, "P-0123456789AB", "malformed_token"),
    ],
)
def test_denied_attempts_answer_nothing_and_are_logged(
    lakehouse, capsys, user, reason, token, detail
):
    argv = [token, *(["--user", user] if user is not None else [])]
    argv += ["--reason", reason] if reason is not None else []
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "access denied" in err and "logged as access event" in err
    for secret in IDENTIFYING:
        assert secret not in out + err
    log = read_access_log(lakehouse)
    assert log.height == 1
    row = log.row(0, named=True)
    assert (row["outcome"], row["detail"], row["action"]) == ("denied", detail, "reidentify")
    assert row["user"] == (user or "")
    assert row["role"] == {"carla": "compliance", "maria": "manager"}.get(user)
    assert row["event_id"] in err
    # a value that is not token-shaped (here a phone number) is not copied into the log
    assert row["token"] == (token if detail != "malformed_token" else None)
    assert row["host"] and row["at"] <= datetime.now(UTC)


@pytest.mark.parametrize(("user", "role"), [("carla", "compliance"), ("diego", "dpo")])
def test_allowed_role_with_reason_gets_the_identity_and_is_logged(lakehouse, capsys, user, role):
    code, out, err = run(capsys, TOKEN, "--user", user, "--reason", f"  {REASON}  ")
    assert code == 0 and err == ""
    assert "tel:+5511912345678" in out and "Ana Souza" in out
    assert "email:ana.souza@vigia-exemplo.com.br" in out
    row = read_access_log(lakehouse).row(0, named=True)
    assert (row["user"], row["role"], row["token"], row["outcome"]) == (
        user,
        role,
        TOKEN,
        "granted",
    )
    assert row["reason"] == REASON
    assert row["event_id"] in out
    assert row["at"].tzinfo is not None


def test_json_output(lakehouse, capsys):
    code, out, _ = run(capsys, TOKEN, "--user", "carla", "--reason", REASON, "--json")
    assert code == 0
    assert json.loads(out) == {"token": TOKEN, **IDENTITY.to_dict()}


def test_every_attempt_appends_one_row(lakehouse, capsys):
    attempts = [
        [TOKEN, "--user", "maria", "--reason", REASON],
        [TOKEN, "--user", "carla"],
        [TOKEN, "--user", "carla", "--reason", REASON],
        [TOKEN, "--user", "diego", "--reason", REASON],
    ]
    for argv in attempts:
        run(capsys, *argv)
    log = read_access_log(lakehouse)
    assert log["outcome"].to_list() == ["denied", "denied", "granted", "granted"]
    assert log["event_id"].n_unique() == 4


def test_no_answer_when_the_log_cannot_be_written(lakehouse, capsys, monkeypatch):
    def broken(events, base=None):
        raise OSError("lakehouse unreachable")

    monkeypatch.setattr("pipelines.governance.reidentification.append_events", broken)
    with pytest.raises(OSError):
        main(["reidentify", TOKEN, "--user", "carla", "--reason", REASON])
    out, _ = capsys.readouterr()
    assert out == ""


def test_vault_error_is_logged_as_error(lakehouse, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIA_VAULT_KEY_FILE", str(tmp_path / "another.key"))
    code, out, err = run(capsys, TOKEN, "--user", "carla", "--reason", REASON)
    assert code == 2 and out == ""
    row = read_access_log(lakehouse).row(0, named=True)
    assert (row["outcome"], row["detail"]) == ("error", "vault_error:KeyConfigError")


def test_missing_access_file_answers_nothing(lakehouse, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("VIGIA_ACCESS_FILE", str(tmp_path / "missing.yaml"))
    code, out, err = run(capsys, TOKEN, "--user", "carla", "--reason", REASON)
    assert code == 2 and out == "" and "VIGIA_ACCESS_FILE" in err


@pytest.mark.parametrize(("user", "outcome"), [("diego", "granted"), ("carla", "denied")])
def test_rotate_key_needs_the_permission_and_is_logged(lakehouse, capsys, user, outcome):
    old_id = load_keyring().active.key_id
    code = main(["vault", "rotate-key", "--user", user])
    out, err = capsys.readouterr()
    row = read_access_log(lakehouse).row(0, named=True)
    assert (row["action"], row["outcome"], row["user"]) == ("rotate_vault_key", outcome, user)
    ids = set(Vault(load_keyring(), lakehouse).rows()["key_id"])
    if outcome == "granted":
        assert code == 0 and old_id not in ids and old_id in out
        assert Vault(load_keyring(), lakehouse).lookup(TOKEN) == IDENTITY
    else:
        assert code == 2 and ids == {old_id} and "access denied" in err


def test_vault_status_shows_keys_and_counts_only(lakehouse, capsys):
    assert main(["vault", "status"]) == 0
    out = capsys.readouterr().out
    assert load_keyring().active.key_id in out and "1 rows" in out
    for secret in IDENTIFYING:
        assert secret not in out
    assert read_access_log(lakehouse).filter(pl.col("action") == "reidentify").is_empty()


def test_dashboards_can_record_where_the_request_came_from(lakehouse):
    from pipelines.governance.access_policy import load_policy
    from pipelines.governance.reidentification import reidentify

    result = reidentify(
        TOKEN,
        "carla",
        REASON,
        policy=load_policy(),
        open_vault=lambda: Vault(load_keyring(), lakehouse),
        base=lakehouse,
        origin={"host": "10.1.2.3", "client": "Mozilla/5.0"},
    )
    assert result.identity == IDENTITY
    row = read_access_log(lakehouse).row(0, named=True)
    assert (row["host"], row["client"], row["outcome"]) == ("10.1.2.3", "Mozilla/5.0", "granted")
