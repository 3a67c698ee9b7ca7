"""config/security_rules.yaml: the shipped file loads; a broken one names file, rule and key."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from pipelines.governance.security_rules import (
    DEFAULT_FILE,
    LOGIN_FAILED,
    SecurityRulesError,
    load_security_rules,
    parse_security_rules,
    rules_path,
)

SHIPPED = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))


def test_the_shipped_rules_cover_the_soc_cases():
    config = load_security_rules(DEFAULT_FILE)
    rules = {r.rule_id: r for r in config.rules}
    assert rules["reidentifications_per_day"].match.actions == ("reidentify",)
    assert rules["after_hours_access"].match.outside_working_hours
    assert rules["bulk_export"].match.min_rows == 1000
    assert rules["teams_outside_role"].match.outside_own_teams
    assert rules["failed_logins"].match.actions == (LOGIN_FAILED,)
    assert config.min_severity == "medium" and config.notify_address is None
    assert config.notifiable("high") and not config.notifiable("low")


def test_another_file_can_be_named_in_the_environment(tmp_path):
    assert rules_path({}) == DEFAULT_FILE
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": SHIPPED["rules"][:1]}))
    config = load_security_rules(env={"VIGIA_SECURITY_RULES_FILE": str(path)})
    assert [r.rule_id for r in config.rules] == ["reidentifications_per_day"]


def _edit(change) -> dict:
    data = copy.deepcopy(SHIPPED)
    change(data)
    return data


def _rule(data: dict, i: int = 0) -> dict:
    return data["rules"][i]


@pytest.mark.parametrize(
    ("change", "where", "problem"),
    [
        (lambda d: d.update(alerts=[]), "alerts", "unknown key"),
        (lambda d: d.update(rules=[]), "rules", "non-empty list"),
        (lambda d: d["notify"].update(min_severity="urgent"), "notify.min_severity", "one of"),
        (lambda d: d["notify"].update(address="soc"), "notify.address", "e-mail address"),
        (lambda d: _rule(d).update(id="Many Reids"), "rules[0].id", "lower-case identifier"),
        (
            lambda d: _rule(d, 1).update(id="reidentifications_per_day"),
            "rules[1].id",
            "used twice",
        ),
        (
            lambda d: _rule(d).update(window="1 day"),
            "rules[0] (reidentifications_per_day).window",
            "15m, 1h or 1d",
        ),
        (
            lambda d: _rule(d).update(window="90d"),
            "rules[0] (reidentifications_per_day).window",
            "31d",
        ),
        (
            lambda d: _rule(d).update(min_count=0),
            "rules[0] (reidentifications_per_day).min_count",
            "at least 1",
        ),
        (
            lambda d: _rule(d).update(severity="critical"),
            "rules[0] (reidentifications_per_day).severity",
            "low, medium, high",
        ),
        (
            lambda d: _rule(d).update(threshold=3),
            "rules[0] (reidentifications_per_day).threshold",
            "unknown key",
        ),
        (
            lambda d: _rule(d).update(description=""),
            "rules[0] (reidentifications_per_day).description",
            "what the rule finds",
        ),
        (
            lambda d: _rule(d).update(match={}),
            "rules[0] (reidentifications_per_day).match",
            "some of actions",
        ),
        (
            lambda d: _rule(d)["match"].update(actions=["reidentfy"]),
            "rules[0] (reidentifications_per_day).match.actions",
            "list of reidentify",
        ),
        (
            lambda d: _rule(d)["match"].update(outcomes=["ok"]),
            "rules[0] (reidentifications_per_day).match.outcomes",
            "granted, denied, error",
        ),
        (
            lambda d: _rule(d)["match"].update(after_hours=True),
            "rules[0] (reidentifications_per_day).match.after_hours",
            "unknown condition",
        ),
        (
            lambda d: _rule(d)["match"].update(outside_working_hours="yes"),
            "rules[0] (reidentifications_per_day).match.outside_working_hours",
            "true or false",
        ),
        (
            lambda d: _rule(d)["match"].update(min_rows=-5),
            "rules[0] (reidentifications_per_day).match.min_rows",
            "at least 1",
        ),
    ],
)
def test_a_broken_rules_file_names_the_file_rule_and_key(change, where, problem):
    path = Path("config/security_rules.yaml")
    with pytest.raises(SecurityRulesError) as error:
        parse_security_rules(path, _edit(change))
    message = str(error.value)
    assert message.startswith(f"{path}: {where}: "), message
    assert problem in message


def test_missing_file_and_bad_yaml_say_what_to_do(tmp_path):
    with pytest.raises(SecurityRulesError, match="not found: create it from"):
        load_security_rules(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [\n  - id: x\n")
    with pytest.raises(SecurityRulesError, match=r"line \d+: not valid YAML"):
        load_security_rules(bad)
