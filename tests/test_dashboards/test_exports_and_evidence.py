"""Evidence threads, bundles with a SHA-256 manifest, CSV flattening, the contact network, and
call and misconduct metrics (pure modules, no Streamlit)."""

import hashlib
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from gold_lake import MESSAGES_SCHEMA

from dashboards import call_metrics, evidence, exports, misconduct_metrics, network

T0 = datetime(2024, 3, 4, 12, tzinfo=UTC)


def messages(n: int, chat: str = "C-1", employee: str = "P-000000000001",
             counterpart: str = "P-000000000002") -> pl.DataFrame:
    rows = [
        {"message_id": f"M-{i:016x}", "chat_id": chat, "event_date": T0.date(),
         "sent_at": T0 + timedelta(minutes=i), "kind": "message",
         "direction": "outbound" if i % 2 else "inbound",
         "sender_token": employee if i % 2 else counterpart, "employee_token": employee,
         "counterpart_token": counterpart, "team": "A", "text_redacted": f"texto {i}",
         "media_kind": "document" if i == 3 else None,
         "attachment_redacted": "contrato.pdf" if i == 3 else None,
         "is_deleted": False, "is_edited": False}
        for i in range(n)
    ]
    return pl.DataFrame(rows, schema=MESSAGES_SCHEMA).reverse()  # unsorted input


@pytest.mark.parametrize(
    ("flagged", "context", "expected"),
    [
        ([5], 2, list(range(3, 8))),
        ([5, 7], 1, list(range(4, 9))),
        ([0], 3, list(range(0, 4))),          # clipped at the start
        ([9], 5, list(range(4, 10))),         # clipped at the end
        ([5], 0, [5]),
        (["nope"], 3, []),
    ],
)
def test_thread_around_flagged_messages(flagged, context, expected) -> None:
    ids = [f"M-{i:016x}" if isinstance(i, int) else i for i in flagged]
    thread = evidence.around(messages(10), ids, context)
    assert thread.columns == evidence.THREAD_COLUMNS
    assert thread["message_id"].to_list() == [f"M-{i:016x}" for i in expected]
    assert thread.filter(pl.col("flagged"))["message_id"].to_list() == [
        i for i in ids if i in thread["message_id"].to_list()]


def test_thread_between_two_parties_and_attachments() -> None:
    both = pl.concat([messages(4), messages(3, chat="C-2", counterpart="P-000000000003")])
    thread = evidence.between(both, "P-000000000001", "P-000000000002")
    assert thread.height == 4 and set(thread["chat_id"]) == {"C-1"}
    assert thread["sent_at"].is_sorted()
    files = evidence.attachments(thread)
    assert files.select("media_kind", "attachment_redacted").rows() == [("document",
                                                                          "contrato.pdf")]


def test_bundle_has_a_verifiable_manifest_and_is_reproducible() -> None:
    files = {"b.csv": b"x,y\n1,2\n", "a.json": b"{}"}
    first, second = exports.bundle(files), exports.bundle(dict(reversed(files.items())))
    assert first.data == second.data  # same content, same zip, same hashes
    assert first.files == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    with zipfile.ZipFile(io.BytesIO(first.data)) as archive:
        manifest = archive.read(exports.MANIFEST)
        assert sorted(archive.namelist()) == ["MANIFEST.sha256", "a.json", "b.csv"]
    assert hashlib.sha256(manifest).hexdigest() == first.manifest_sha256
    assert exports.verify(first.data) == {"a.json": True, "b.csv": True}
    with pytest.raises(ValueError, match="written by the bundle"):
        exports.bundle({exports.MANIFEST: b""})


def test_a_changed_file_fails_verification() -> None:
    original = exports.bundle({"thread.csv": b"a\n1\n"})
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original.data)) as src, zipfile.ZipFile(buffer, "w") as dst:
        dst.writestr("thread.csv", b"a\n2\n")
        dst.writestr(exports.MANIFEST, src.read(exports.MANIFEST))
    assert exports.verify(buffer.getvalue()) == {"thread.csv": False}


def test_evidence_bundle_holds_thread_attachments_and_metadata() -> None:
    thread = evidence.around(messages(6), ["M-0000000000000003"], 2)
    result = exports.evidence_bundle(thread, evidence.attachments(thread),
                                     {"reason": "processo 123", "at": T0})
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        rows = pl.read_csv(archive.read("thread.csv"))
        assert rows.height == thread.height and "texto 3" in rows["text_redacted"].to_list()
        assert b"processo 123" in archive.read("metadata.json")
        assert pl.read_csv(archive.read("attachments.csv")).height == 1


def test_csv_flattens_lists_and_structs() -> None:
    frame = pl.DataFrame({
        "ids": [["a", "b"], []], "n": [[1, 2], [3]],
        "parts": [[{"rule": "r1", "w": 0.5}], []], "s": [{"k": 1}, {"k": 2}],
    })
    text = exports.csv_bytes(frame).decode()
    assert text.splitlines()[0] == "ids,n,parts,s"
    assert text.splitlines()[1] == 'a;b,1;2,"{""rule"":""r1"",""w"":0.5}","{""k"":1}"'


def pairs_frame(rows: list[tuple[str, str, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["team", "employee_token", "counterpart_token", "contacts"],
                        orient="row")


def test_network_puts_employees_inside_counterparts_outside() -> None:
    pairs = pairs_frame([("A", "E1", "C1", 5), ("A", "E2", "C1", 1), ("B", "E3", "C2", 2)])
    nodes, edges = network.layout(pairs)
    assert sorted(nodes.filter(pl.col("kind") == "employee")["token"]) == ["E1", "E2", "E3"]
    radius = (nodes["x"] ** 2 + nodes["y"] ** 2).sqrt()
    kinds = dict(zip(nodes["token"], radius.round(6), strict=True))
    assert {kinds["E1"], kinds["E2"], kinds["E3"]} == {network.INNER}
    assert {kinds["C1"], kinds["C2"]} == {network.OUTER}
    assert nodes.filter(pl.col("token") == "C1")["contacts"].item() == 6
    assert edges.height == 3
    start = nodes.filter(pl.col("token") == "E1").select("x", "y").row(0)
    assert edges.filter(pl.col("employee_token") == "E1").select("x", "y").row(0) == start
    empty_nodes, empty_edges = network.layout(pairs.head(0))
    assert empty_nodes.is_empty() and empty_edges.is_empty()


CALLS = pl.DataFrame(
    {"event_date": [date(2024, 3, 4), date(2024, 3, 4), date(2024, 3, 6)],
     "team": ["A", "A", "B"], "employee_token": ["E1", "E2", "E3"],
     "calls": [4, 2, 1], "calls_in": [3, 0, 1], "calls_out": [1, 2, 0],
     "answered": [3, 1, 0], "avg_duration_s": [60.0, 120.0, None],
     "p90_duration_s": [100.0, 200.0, None], "dnc_calls": [None, None, None],
     "no_consent_calls": [None, None, None]},
    schema_overrides={"dnc_calls": pl.Int64, "no_consent_calls": pl.Int64},
)


def test_call_totals_weight_durations_by_answered_calls() -> None:
    totals = call_metrics.totals(CALLS)
    assert (totals["calls"], totals["calls_in"], totals["calls_out"]) == (7, 4, 3)
    assert totals["answered_rate"] == pytest.approx(4 / 7)
    assert totals["avg_duration_s"] == pytest.approx((3 * 60 + 1 * 120) / 4)
    assert totals["p90_duration_s"] == pytest.approx((3 * 100 + 1 * 200) / 4)
    assert totals["dnc_calls"] is None and totals["no_consent_calls"] is None  # not checked
    checked = call_metrics.totals(CALLS.with_columns(pl.Series("dnc_calls", [0, 1, None])))
    assert checked["dnc_calls"] == 1
    assert call_metrics.totals(CALLS.head(0))["answered_rate"] is None


def test_calls_per_day_and_by_agent() -> None:
    per_day = call_metrics.per_day(CALLS, date(2024, 3, 4), date(2024, 3, 6))
    values = {(r["direction"], r["event_date"].day): r["calls"] for r in
              per_day.iter_rows(named=True)}
    assert values == {("inbound", 4): 3, ("inbound", 5): 0, ("inbound", 6): 1,
                      ("outbound", 4): 3, ("outbound", 5): 0, ("outbound", 6): 0}
    agents = call_metrics.by_agent(CALLS)
    assert agents["employee_token"].to_list() == ["E1", "E2", "E3"]
    assert agents.filter(pl.col("employee_token") == "E3")["avg_duration_s"].item() is None


TREND = pl.DataFrame({
    "week_start": [date(2024, 3, 4)] * 3 + [date(2024, 3, 11)],
    "category": ["bribery", "bribery", "harassment", "bribery"],
    "team": ["A", "B", "A", "A"],
    "flagged_messages": [3, 1, 2, 4], "alerts_opened": [1, 1, 1, 0],
    "confirmed": [1, 0, 0, 0], "false_positives": [1, 0, 0, 2],
})


def test_misconduct_by_week_and_team() -> None:
    weekly = {(r["week_start"].day, r["category"]): r["flagged_messages"]
              for r in misconduct_metrics.by_week(TREND).iter_rows(named=True)}
    assert weekly == {(4, "bribery"): 4, (4, "harassment"): 2, (11, "bribery"): 4}
    teams = {(r["team"], r["category"]): r for r in
             misconduct_metrics.by_team(TREND).iter_rows(named=True)}
    assert teams[("A", "bribery")]["flagged_messages"] == 7
    assert teams[("A", "bribery")]["false_positive_share"] == pytest.approx(3 / 4)
    assert teams[("B", "bribery")]["false_positive_share"] is None  # nothing reviewed yet


def test_rules_fired_counts_each_rule_once_per_message() -> None:
    scores = pl.DataFrame({"rule_ids": [["bribery.pt-BR.1", "off_channel.pt-BR.2"],
                                        ["bribery.pt-BR.1"], []]})
    assert misconduct_metrics.rules_fired(scores).rows() == [
        ("bribery.pt-BR.1", "bribery", 2), ("off_channel.pt-BR.2", "off_channel", 1)]
