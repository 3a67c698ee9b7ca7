"""Tests for the synthetic law-firm generator (pipelines.synthetic.law_firm.generate)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import phonenumbers
import pytest

from pipelines.ingest.cloud_api import read_deliveries
from pipelines.ingest.whatsapp_export import read_export
from pipelines.synthetic.law_firm import generate
from pipelines.synthetic.misconduct import CATEGORIES, marked_templates, template_pattern
from pipelines.synthetic.whatsapp_writer import LAYOUTS

END = date(2026, 11, 23)
SMALL = {"days": 10, "employees": 12, "clients": 40, "seed": 11, "end": END}
CPF_FORMATTED = re.compile(r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ENCRYPTION_WORDS = ("criptografia", "encrypted", "cifrados", "verschlüsselt")


def cpf_is_valid(cpf: str) -> bool:
    """Independent CPF check-digit validation (mod 11), written for the test."""
    digits = re.sub(r"[.\-]", "", cpf)
    if not re.fullmatch(r"\d{11}", digits) or len(set(digits)) == 1:
        return False
    nums = [int(d) for d in digits]
    for n in (9, 10):
        total = sum(nums[i] * (n + 1 - i) for i in range(n))
        if (total * 10 % 11) % 10 != nums[n]:
            return False
    return True


def physical_lines(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8")
    lines = re.split(r"\r\n|\n|\r", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo")
    return out, generate(out, **SMALL)


@pytest.fixture(scope="module")
def exports(demo: tuple[Path, dict]) -> dict[str, list[str]]:
    landing = demo[0] / "landing"
    return {
        str(p.relative_to(landing)): physical_lines(p)
        for p in sorted((landing / "whatsapp").rglob("*.txt"))
    }


def delivery_text(line: str) -> str:
    """Text a person wrote in one webhook delivery (bodies and captions), read independently."""
    texts = []
    for entry in json.loads(line)["entry"]:
        for change in entry["changes"]:
            value = change["value"]
            for message in value.get("messages", []) + value.get("message_echoes", []):
                content = message.get(message["type"], {})
                if message["type"] == "edit":
                    content = content["message"]["text"]
                texts.append(content.get("body") or content.get("caption") or "")
    return "\n".join(texts)


@pytest.fixture(scope="module")
def deliveries(demo: tuple[Path, dict]) -> dict[str, list[str]]:
    """cloud_api/<day>.jsonl -> the text written in each of its lines."""
    landing = demo[0] / "landing"
    return {
        str(p.relative_to(landing)): [delivery_text(line) for line in physical_lines(p)]
        for p in sorted((landing / "cloud_api").glob("*.jsonl"))
    }


@pytest.mark.parametrize(
    ("cpf", "valid"),
    [
        ("529.982.247-25", True),
        ("52998224725", True),
        ("111.444.777-35", True),
        ("529.982.247-24", False),
        ("111.111.111-11", False),
        ("5299822472", False),
        ("abc.def.ghi-jk", False),
    ],
)
def test_cpf_checker_itself(cpf: str, valid: bool) -> None:
    assert cpf_is_valid(cpf) is valid


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    args = {"days": 5, "employees": 4, "clients": 20, "seed": 3, "end": END}
    generate(tmp_path / "a", **args)
    generate(tmp_path / "b", **args)
    generate(tmp_path / "c", **{**args, "seed": 4})
    first, second = tree_hashes(tmp_path / "a"), tree_hashes(tmp_path / "b")
    assert first == second
    assert len(first) > 8
    assert tree_hashes(tmp_path / "c") != first


def test_rerun_into_same_folder_leaves_no_stale_files(tmp_path: Path) -> None:
    generate(tmp_path, days=3, employees=3, clients=15, seed=1, end=END)
    generate(tmp_path, days=3, employees=3, clients=15, seed=2, end=END)
    fresh = tmp_path / "fresh"
    generate(fresh, days=3, employees=3, clients=15, seed=2, end=END)
    assert tree_hashes(tmp_path / "landing") == tree_hashes(fresh / "landing")


def test_landing_layout_and_summary(demo: tuple[Path, dict]) -> None:
    out, summary = demo
    landing = out / "landing"
    for name in ("employees.csv", "clients.csv", "consents.csv", "do_not_call.csv"):
        assert (landing / "reference" / name).is_file()
    assert (landing / "calls" / "Master.csv").is_file()
    assert json.loads((out / "ground_truth" / "summary.json").read_text()) == summary
    employees = read_csv(landing / "reference" / "employees.csv")
    assert list(employees[0]) == [
        "employee_id",
        "name",
        "phone",
        "email",
        "role",
        "team",
        "manager_id",
        "extension",
    ]
    assert len(read_csv(landing / "reference" / "clients.csv")) == SMALL["clients"]
    ids = {e["employee_id"] for e in employees}
    assert all(e["manager_id"] in ids | {""} for e in employees)
    for folder in (landing / "whatsapp").iterdir():
        assert folder.name in ids
    assert summary["whatsapp_files"] == len(list((landing / "whatsapp").rglob("*.txt")))


def test_exports_look_like_real_ones(
    demo: tuple[Path, dict], exports: dict[str, list[str]]
) -> None:
    landing = demo[0] / "landing"
    ios_files = [k for k in exports if k.endswith("/_chat.txt")]
    android_files = [k for k in exports if not k.endswith("/_chat.txt")]
    assert ios_files and android_files
    for rel, lines in exports.items():
        assert any(w in lines[0] for w in ENCRYPTION_WORDS), rel
        if rel in android_files:
            assert "Conversa do WhatsApp com " in rel
            assert b"\r" not in (landing / rel).read_bytes()
    assert len(demo[1]["layouts"]) >= 3  # pt-BR variants plus at least one other phone locale
    for rel in exports:  # the parser reads every export without losing a line
        assert read_export(landing / rel).quarantined == [], rel
    all_text = "\n".join("\n".join(v) for v in exports.values())
    assert "\u200e" in all_text  # iOS marks before media/system bodies
    assert re.search(r"<Mídia oculta>|\(arquivo anexado\)|<anexado: |ocultad", all_text)


def test_message_timestamps_fall_inside_the_window(exports: dict[str, list[str]]) -> None:
    first, last = END - timedelta(days=SMALL["days"] - 1), END
    pt_header = re.compile(r"^\u200e?\[?(\d{2})/(\d{2})/(\d{4})[, ]")
    seen = 0
    for lines in exports.values():
        for line in lines:
            m = pt_header.match(line)
            if m:
                day = date(int(m[3]), int(m[2]), int(m[1]))
                assert first <= day <= last
                seen += 1
    assert seen > 100


def test_misconduct_lines_point_at_the_seeded_text(
    demo: tuple[Path, dict], exports: dict[str, list[str]], deliveries: dict[str, list[str]]
) -> None:
    exports = {**exports, **deliveries}
    assert any(r["source_file"].startswith("cloud_api/") for r in
               read_csv(demo[0] / "ground_truth" / "misconduct.csv"))
    rows = read_csv(demo[0] / "ground_truth" / "misconduct.csv")
    assert {r["label"] for r in rows} == {"positive", "hard_negative"}
    patterns = {
        (cat, label): [template_pattern(t) for t in marked_templates(cat, label)]
        for cat in (*CATEGORIES, "none")
        for label in ("positive", "hard_negative")
    }
    for r in rows:
        line = exports[r["source_file"]][int(r["line_number"]) - 1]
        assert any(p.search(line) for p in patterns[(r["category"], r["label"])]), r
    # and the other way round: no seeded sentence sits on a line the ground truth does not list
    listed = {(r["source_file"], int(r["line_number"])) for r in rows}
    every = [p for ps in patterns.values() for p in ps]
    found = {
        (rel, i)
        for rel, lines in exports.items()
        for i, line in enumerate(lines, start=1)
        if any(p.search(line) for p in every)
    }
    assert found == listed


def test_people_identifiers_are_valid(demo: tuple[Path, dict]) -> None:
    people = read_csv(demo[0] / "ground_truth" / "people.csv")
    kinds = {p["kind"] for p in people}
    assert {"employee", "client", "mentioned"} <= kinds
    for p in people:
        if p["cpf"]:
            assert cpf_is_valid(p["cpf"]), p["person_id"]
        if p["phone_e164"]:
            number = phonenumbers.parse(p["phone_as_written"], "BR")
            assert phonenumbers.is_valid_number(number), p["person_id"]
            assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            assert e164 == p["phone_e164"], p["person_id"]
    assert all(p["cpf"] for p in people if p["kind"] == "client")
    assert len({p["phone_e164"] for p in people if p["phone_e164"]}) == sum(
        1 for p in people if p["phone_e164"]
    )


@pytest.mark.parametrize("written", ["+55 11 91234-5678", "(11) 91234-5678", "11912345678"])
def test_reference_phone_formats_normalise(written: str) -> None:
    number = phonenumbers.parse(written, "BR")
    assert (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == "+5511912345678"
    )


@pytest.mark.parametrize("bad", ["+55 11 1234-567", "(00) 91234-5678"])
def test_phone_check_rejects_invalid_numbers(bad: str) -> None:
    assert not phonenumbers.is_valid_number(phonenumbers.parse(bad, "BR"))


def test_every_listed_identifier_appears_and_text_pii_is_listed(
    demo: tuple[Path, dict], exports: dict[str, list[str]], deliveries: dict[str, list[str]]
) -> None:
    landing = demo[0] / "landing"
    people = read_csv(demo[0] / "ground_truth" / "people.csv")
    reference = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((landing / "reference").glob("*.csv"))
    )
    chat_text = "\n".join("\n".join(v) for v in [*exports.values(), *deliveries.values()])
    everything = reference + chat_text
    for p in people:
        if p["kind"] in ("employee", "client"):
            assert p["name"] in reference and p["phone_as_written"] in reference
            continue
        fields = [p["name"], p["phone_as_written"], p["email"]]
        assert any(fields + [p["cpf"]]), p["person_id"]
        for value in fields:
            assert not value or value in everything, (p["person_id"], value)
        if p["cpf"]:
            cpf = p["cpf"]
            formatted = f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"
            assert cpf in chat_text or formatted in chat_text, p["person_id"]
    listed_cpfs = {p["cpf"] for p in people if p["cpf"]}
    for found in CPF_FORMATTED.findall(chat_text):
        assert re.sub(r"\D", "", found) in listed_cpfs
    listed_emails = {p["email"] for p in people if p["email"]}
    for found in EMAIL.findall(chat_text):
        assert found in listed_emails


def test_call_records_are_consistent(demo: tuple[Path, dict]) -> None:
    landing = demo[0] / "landing"
    raw = (landing / "calls" / "Master.csv").read_text(encoding="utf-8")
    *complete, torn = raw.split("\n")
    # the file ends with half a record and no newline (a PBX that lost power mid-write)
    assert torn and len(next(csv.reader([torn]))) < 18 and complete[-1].startswith(torn)
    rows = list(csv.reader(complete))
    expected = 8000 / (400 * 90) * SMALL["clients"] * SMALL["days"]
    assert 0.7 * expected <= demo[1]["calls"] <= 1.3 * expected  # over the three phone systems
    assert len(rows) == demo[1]["calls_by_system"]["asterisk_cdr_csv"] > demo[1]["calls"] / 3
    assert '"""' in raw  # clid quotes are doubled inside the quoted field
    extensions = {e["extension"] for e in read_csv(landing / "reference" / "employees.csv")}
    first = datetime.combine(END - timedelta(days=SMALL["days"] - 1), datetime.min.time())
    ends = []
    for r in rows:
        assert len(r) == 18
        start, answer, end = r[9], r[10], r[11]
        duration, billsec, disposition = int(r[12]), int(r[13]), r[14]
        assert disposition in {"ANSWERED", "NO ANSWER", "BUSY", "FAILED"}
        assert 0 <= billsec <= duration
        assert (answer != "") == (disposition == "ANSWERED")
        assert re.fullmatch(r"\d{10}\.\d+", r[16])
        assert r[1] in extensions or r[2] in extensions
        started = datetime.strptime(start, "%Y-%m-%d %H:%M:%S")
        assert first <= started < first + timedelta(days=SMALL["days"])
        ends.append(end)
    assert ends == sorted(ends)  # written at hang-up, like Asterisk
    assert len({r[16] for r in rows}) == len(rows)
    dispositions = [r[14] for r in rows]
    assert dispositions.count("ANSWERED") > len(rows) / 2


def test_consents_and_do_not_call(demo: tuple[Path, dict]) -> None:
    ref = demo[0] / "landing" / "reference"
    consents = read_csv(ref / "consents.csv")
    assert {c["channel"] for c in consents} == {"whatsapp", "call"}
    statuses = [c["status"] for c in consents]
    assert statuses.count("given") > len(consents) * 0.7
    assert set(statuses) <= {"given", "refused", "withdrawn"}
    for c in consents:
        assert datetime.fromisoformat(c["recorded_at"]).utcoffset() is not None
    dnc = read_csv(ref / "do_not_call.csv")
    assert dnc and list(dnc[0]) == ["phone", "added_on", "source"]


def test_cloud_api_deliveries_are_consistent(demo: tuple[Path, dict]) -> None:
    landing, summary = demo[0] / "landing", demo[1]
    files = sorted((landing / "cloud_api").glob("*.jsonl"))
    assert files and len(files) == summary["cloud_api_files"]
    people = read_csv(demo[0] / "ground_truth" / "people.csv")
    phones = {p["phone_e164"].lstrip("+") for p in people if p["phone_e164"]}
    names = {p["name"] for p in people}
    business = set()
    parsed = [read_deliveries(path) for path in files]
    assert sum(p.deliveries for p in parsed) == summary["cloud_api_deliveries"]
    messages = [m for p in parsed for m in p.messages]
    statuses = [s for p in parsed for s in p.statuses]
    assert all(p.quarantined == [] for p in parsed)
    ids = {m.wa_message_id for m in messages}
    assert len(ids) == len(messages)
    assert {s.wa_message_id for s in statuses} <= ids
    assert {m.original_message_id for m in messages if m.original_message_id} <= ids
    assert {m.message_type for m in messages} >= {"text", "revoke"}
    assert {m.direction for m in messages} == {"inbound", "outbound"}
    for m in messages:
        assert m.client_wa_id in phones and m.envelope.business_phone in phones
        assert m.contact_name is None or m.contact_name in names
        business.add(m.envelope.business_phone)
    assert len(business) == summary["business_numbers"] >= 1
    first, last = END - timedelta(days=SMALL["days"] - 1), END + timedelta(days=1)
    for m in messages:
        assert first <= m.timestamp.date() <= last


@pytest.mark.slow
def test_default_size_is_fast_enough(tmp_path: Path) -> None:
    began = time.perf_counter()
    summary = generate(tmp_path, end=END)
    elapsed = time.perf_counter() - began
    assert elapsed < 30
    assert set(summary["layouts"]) == set(LAYOUTS)  # every layout family has exports
    assert summary["business_numbers"] >= 2
    assert 40_000 <= summary["messages"] + summary["cloud_api_messages"] <= 60_000
    assert 6_500 <= summary["calls"] <= 9_500
    assert 100 <= summary["seeded_lines"]["positive"] <= 600
