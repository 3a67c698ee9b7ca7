"""The do-not-call list (silver.dnc_registry) and its violations (gold.dnc_violations)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.analytics.call_volume import call_volume_daily
from pipelines.governance.dnc import (
    DNC_SCHEMA,
    VIOLATIONS_SCHEMA,
    campaigns_from_accountcode,
    dnc_violations,
    load_dnc,
    violation_counts,
)
from tests.test_governance.governance_frames import (
    AGENT,
    PSEUDO,
    call,
    calls,
    token,
    write_csv,
)

ANA, BRUNO, CAIO = "+5511987654321", "+5521998765432", "+5531991234567"
DAY = date(2026, 10, 28)


def registry(*rows: tuple[str, date, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "number_token": token(phone),
                "registered_on": on,
                "country": "BR",
                "source": source,
                "source_file": "reference/do_not_call.csv",
                "line_number": i + 2,
            }
            for i, (phone, on, source) in enumerate(rows)
        ],
        schema=DNC_SCHEMA,
    )


def test_the_list_holds_tokens_and_dates_never_numbers(tmp_path):
    folder = tmp_path / "reference"
    write_csv(
        folder,
        "do_not_call.csv",
        "phone,added_on,source\n"
        "21998765432,2025-06-07,nao_me_perturbe\n"
        "+55 (11) 98765-4321,2026-07-26,\n",
    )
    load = load_dnc(folder, PSEUDO)
    frame = load.frame
    assert dict(frame.schema) == DNC_SCHEMA and load.rejects == []
    assert frame["number_token"].to_list() == [token(BRUNO), token(ANA)]
    assert frame["registered_on"].to_list() == [date(2025, 6, 7), date(2026, 7, 26)]
    assert frame["source"].to_list() == ["nao_me_perturbe", "do_not_call"]
    assert frame["country"].to_list() == ["BR", "BR"]
    text = frame.write_csv()
    assert "98765" not in text and "99876" not in text


@pytest.mark.parametrize(
    ("name", "text", "region", "expected"),
    [
        (  # Não Me Perturbe style: Portuguese header, semicolons, Brazilian dates
            "do_not_call_nmp.csv",
            "Numero;Data_Cadastro\n11987654321;26/07/2026\n",
            "BR",
            (ANA, date(2026, 7, 26), "BR"),
        ),
        (  # Bloctel style: French header and numbers, with the firm's default region FR
            "do_not_call_bloctel.csv",
            "numéro;date_inscription\n06 12 34 56 78;01/02/2026\n",
            "FR",
            ("+33612345678", date(2026, 2, 1), "FR"),
        ),
    ],
)
def test_national_list_layouts_are_read(tmp_path, name, text, region, expected):
    write_csv(tmp_path / "reference", name, text)
    load = load_dnc(tmp_path / "reference", PSEUDO, region)
    phone, on, country = expected
    row = load.frame.row(0, named=True)
    assert (row["number_token"], row["registered_on"], row["country"]) == (
        PSEUDO.token_for_phone(phone, region),
        on,
        country,
    )


@pytest.mark.parametrize(
    ("line", "field", "rule"),
    [
        ("0800,2026-01-01,procon", "phone", "is not a valid phone number"),
        ("11987654321,,procon", "added_on", "is empty"),
        ("11987654321,31/02/2026,procon", "added_on", "is not a date"),
        ("11987654321,2026-01-01,cliente 21998765432", "source", "looks like personal data"),
    ],
)
def test_a_bad_line_is_rejected_and_the_counts_reconcile(tmp_path, line, field, rule):
    folder = tmp_path / "reference"
    text = f"phone,added_on,source\n{line}\n21998765432,2026-01-01,\n"
    write_csv(folder, "do_not_call.csv", text)
    load = load_dnc(folder, PSEUDO)
    [bad] = load.rejects
    assert (bad.kind, bad.line_number, bad.field) == ("do_not_call", 2, field)
    assert bad.reason.startswith(f"reference/do_not_call.csv, line 2: {field}: {rule}")
    assert "11987654321" not in bad.reason and "21998765432" not in bad.reason
    assert load.files["reference/do_not_call.csv"] == {"rows": 2, "loaded": 1, "rejected": 1}
    assert load.frame["line_number"].to_list() == [3]


def test_outbound_calls_to_listed_numbers_on_or_after_registration_are_violations():
    listed = registry(
        (ANA, DAY, "nao_me_perturbe"),
        (BRUNO, date(2026, 1, 1), "procon"),
        (BRUNO, date(2025, 1, 1), "pedido_do_titular"),  # listed twice: the earliest counts
        (CAIO, date(2026, 10, 29), "nao_me_perturbe"),  # registered after the call
    )
    rows = calls(
        call("L-0000000000000001", token(ANA), DAY, 9),  # registered that very day
        call("L-0000000000000002", token(ANA), date(2026, 10, 27), 9),  # the day before
        call("L-0000000000000003", token(BRUNO), DAY, 10, answered=False),  # attempts count
        call("L-0000000000000004", token(BRUNO), DAY, 11, direction="inbound"),  # they called
        call("L-0000000000000005", token(CAIO), DAY, 12),
        call("L-0000000000000006", token("+5511912345678"), DAY, 12),  # not listed
    )
    found = dnc_violations(rows, listed)
    assert dict(found.schema) == VIOLATIONS_SCHEMA
    assert found["call_id"].to_list() == ["L-0000000000000001", "L-0000000000000003"]
    assert found["registered_on"].to_list() == [DAY, date(2025, 1, 1)]
    assert found["list_source"].to_list() == ["nao_me_perturbe", "pedido_do_titular"]
    assert found["answered"].to_list() == [True, False]
    assert found["employee_token"].to_list() == [AGENT, AGENT]
    assert found["campaign"].null_count() == 2


@pytest.mark.parametrize(("grace", "flagged"), [(0, 2), (1, 1), (2, 0)])
def test_a_grace_period_delays_when_a_registration_counts(grace, flagged):
    listed = registry((ANA, date(2026, 10, 27), "bloctel"))
    rows = calls(
        call("L-0000000000000001", token(ANA), date(2026, 10, 27), 9),
        call("L-0000000000000002", token(ANA), DAY, 9),
    )
    assert dnc_violations(rows, listed, grace_days=grace).height == flagged


def test_campaign_comes_from_an_account_code_that_names_one():
    rows = calls(
        call("L-0000000000000001", token(ANA), DAY, 9, record="r1"),
        call("L-0000000000000002", token(ANA), DAY, 10, record="r2"),
        call("L-0000000000000003", token(ANA), DAY, 11, record="r3"),
    )
    bronze = pl.DataFrame(
        {
            "record_id": ["r1", "r2", "r3"],
            "accountcode": ["recuperacao-2026", "11987654321", None],
        }
    )
    found = dnc_violations(rows, registry((ANA, DAY, "nmp")), campaigns_from_accountcode(bronze))
    assert found["campaign"].to_list() == ["recuperacao-2026", None, None]
    counts = violation_counts(found)
    assert counts.select("campaign", "calls").rows() == [(None, 2), ("recuperacao-2026", 1)]


def test_violations_feed_the_call_volume_dnc_count():
    rows = calls(
        call("L-0000000000000001", token(ANA), DAY, 9),
        call("L-0000000000000002", token(BRUNO), DAY, 10),
    )
    found = dnc_violations(rows, registry((ANA, DAY, "nmp")))
    volume = call_volume_daily(rows.lazy(), dnc=found.lazy())
    assert volume["dnc_calls"].to_list() == [1] and volume["calls"].to_list() == [2]


def test_an_empty_list_flags_nothing():
    rows = calls(call("L-0000000000000001", token(ANA), DAY, 9))
    assert dnc_violations(rows, pl.DataFrame(schema=DNC_SCHEMA)).is_empty()
