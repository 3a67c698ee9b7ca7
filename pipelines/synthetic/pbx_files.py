"""The firm's three phone systems and the call-record files each one writes.

- Main office, Asterisk ``cdr-csv``: ``calls/Master.csv``, 18 columns, one row per call, no
  linkedid (ends with a torn record, see ``write_master_csv``).
- Branch office, Asterisk ``cdr_custom`` (``calls/asterisk_cdr_custom/Master.csv``, layout in
  ``data_contracts/mappings/asterisk_cdr_custom.yaml``): an answered inbound call is a Queue
  leg and the agent's leg, linked by ``linkedid``; other calls are one row.
- Family-law office, FreeSWITCH ``mod_cdr_csv`` (``calls/freeswitch_cdr_csv/Master.csv``,
  ``freeswitch_cdr_csv.yaml``): an answered call is an A leg and a B leg (the A leg names the B
  leg's uuid); unanswered calls are one A leg ending with a hangup cause (NO_ANSWER,
  ORIGINATOR_CANCEL, USER_BUSY, CALL_REJECTED, UNALLOCATED_NUMBER, ...).
All times are local wall-clock time without zone. Each employee's extension is on one system.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from random import Random

from pipelines.synthetic.calls import TZ, CallRow, write_master_csv
from pipelines.synthetic.people import Employee

MAIN, CUSTOM, FREESWITCH = "asterisk_cdr_csv", "asterisk_cdr_custom", "freeswitch_cdr_csv"
FILES = {
    MAIN: "calls/Master.csv",
    CUSTOM: "calls/asterisk_cdr_custom/Master.csv",
    FREESWITCH: "calls/freeswitch_cdr_csv/Master.csv",
}
# by employee position: ~60 % main office, ~20 % each other system; 3 employees cover all three
_BY_POSITION = (MAIN, CUSTOM, FREESWITCH, MAIN, MAIN)
_STAMP = "%Y-%m-%d %H:%M:%S"
_QUEUE = "600"
_CAUSES = {
    "ANSWERED": ("NORMAL_CLEARING",),
    # FreeSWITCH ends some cancelled calls with NORMAL_CLEARING and no answer time
    "NO ANSWER": ("NO_ANSWER", "ORIGINATOR_CANCEL", "NO_USER_RESPONSE", "NORMAL_CLEARING"),
    "BUSY": ("USER_BUSY", "CALL_REJECTED"),
    "FAILED": ("UNALLOCATED_NUMBER", "NORMAL_TEMPORARY_FAILURE", "NO_ROUTE_DESTINATION"),
}


def phone_systems(employees: list[Employee]) -> dict[str, str]:
    """Extension -> the phone system it is on."""
    return {e.extension: _BY_POSITION[i % len(_BY_POSITION)] for i, e in enumerate(employees)}


def system_of(call: CallRow, systems: dict[str, str]) -> str:
    extension = call.fields[1] if call.fields[3] == "from-internal" else call.fields[2]
    return systems.get(extension, MAIN)


@dataclass(frozen=True)
class Leg:
    call: CallRow
    role: str  # "single", "queue" + "agent" (cdr_custom), "a" + "b" (FreeSWITCH)
    start: datetime
    answer: datetime | None
    end: datetime
    cause: str = ""  # FreeSWITCH hangup cause
    values: tuple[str, ...] = ()  # the row's columns, set once the ids are known

    @property
    def first(self) -> bool:
        return self.role in ("single", "queue", "a")


@dataclass(frozen=True)
class WrittenCall:
    """Where a call ended up: its first leg's file, line and id, and the call's linkedid."""

    call: CallRow
    source_file: str
    line_number: int
    uniqueid: str
    linkedid: str
    leg_dates: int  # distinct start dates of its legs (2 when a leg starts after midnight)


def _queue_wait(rng: Random, start: datetime) -> int:
    """Seconds in the queue/IVR; a call in the last 3 minutes of the day waits past midnight."""
    midnight = datetime.combine(start.date() + timedelta(days=1), datetime.min.time())
    left = int((midnight - start).total_seconds())
    return left + rng.randint(5, 60) if left <= 180 else rng.randint(4, 40)


def _after(at: datetime, seconds: int) -> datetime:
    return at + timedelta(seconds=seconds)


def _times(call: CallRow) -> tuple[int, int, str]:
    """(ring seconds, billsec, disposition) of a drawn call."""
    duration, billsec = int(call.fields[12]), int(call.fields[13])
    return duration - billsec, billsec, call.fields[14]


def _stamp(at: datetime | None) -> str:
    return at.strftime(_STAMP) if at else ""


def _spans(leg: Leg) -> tuple[str, str]:
    duration = int((leg.end - leg.start).total_seconds())
    billsec = int((leg.end - leg.answer).total_seconds()) if leg.answer else 0
    return str(duration), str(billsec)


def custom_legs(rng: Random, call: CallRow) -> list[Leg]:
    """An answered inbound call: the Queue leg, then the agent's leg; any other call: one leg."""
    ring, billsec, disposition = _times(call)
    if call.fields[3] != "from-pstn" or disposition != "ANSWERED":
        answer = _after(call.start, ring) if disposition == "ANSWERED" else None
        return [Leg(call, "single", call.start, answer, call.end)]
    agent = _after(call.start, _queue_wait(rng, call.start))
    answer = _after(agent, ring)
    return [
        Leg(call, "queue", call.start, _after(call.start, 1), agent),
        Leg(call, "agent", agent, answer, _after(answer, billsec)),
    ]


def _custom_values(leg: Leg, uniqueid: str, linkedid: str, sequence: int) -> tuple[str, ...]:
    f = leg.call.fields
    dst, context, dstchannel, app, data, disposition = f[2], f[3], f[6], f[7], f[8], f[14]
    if leg.role == "queue":
        dst, dstchannel, app, data = _QUEUE, "", "Queue", "atendimento,t,,,300"
    elif leg.role == "agent":
        context, app, data = "from-queue", "AppQueue", "(Outgoing Line)"
    duration, billsec = _spans(leg)
    return (
        f[4],
        f[1],
        dst,
        context,
        f[5],
        dstchannel,
        app,
        data,
        _stamp(leg.start),
        _stamp(leg.answer),
        _stamp(leg.end),
        duration,
        billsec,
        disposition,
        f[15],
        f[0],
        uniqueid,
        "",
        str(sequence),
        linkedid,
    )


def freeswitch_legs(rng: Random, call: CallRow) -> list[Leg]:
    """An answered call: A leg and B leg; any other call: an A leg with its hangup cause."""
    ring, billsec, disposition = _times(call)
    inbound = call.fields[3] == "from-pstn"
    if disposition != "ANSWERED":
        return [Leg(call, "a", call.start, None, call.end, rng.choice(_CAUSES[disposition]))]
    b_start = _after(call.start, _queue_wait(rng, call.start) if inbound else 1)
    answer = _after(b_start, ring)
    end = _after(answer, billsec)
    a_answer = _after(call.start, 1) if inbound else answer  # inbound: the IVR answers first
    return [
        Leg(call, "a", call.start, a_answer, end, "NORMAL_CLEARING"),
        Leg(call, "b", b_start, answer, end, "NORMAL_CLEARING"),
    ]


def _freeswitch_values(leg: Leg, own: str, b_uuid: str) -> tuple[str, ...]:
    f = leg.call.fields
    if f[3] == "from-internal":
        name, context = f[4].split('"')[1], "default"  # clid is '"Name" <ext>'
    else:
        name, context = f[1], "public" if leg.role == "a" else "default"
    duration, billsec = _spans(leg)
    return (
        name,
        f[1],
        f[2],
        context,
        _stamp(leg.start),
        _stamp(leg.answer),
        _stamp(leg.end),
        duration,
        billsec,
        leg.cause,
        own,
        b_uuid,
        "",
        "PCMA",
        "PCMA",
    )


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _write(path: Path, legs: list[Leg], unquoted: frozenset[int] = frozenset()) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.writelines(
            ",".join(v if i in unquoted else _quote(v) for i, v in enumerate(leg.values)) + "\n"
            for leg in legs
        )


def _hang_up_order(leg: Leg) -> tuple[datetime, bool]:
    return leg.end, leg.first  # at the same time, the later leg's record comes first


def _written(legs: list[Leg], source: str, ids: dict[int, tuple[str, str]]) -> list[WrittenCall]:
    """One WrittenCall per call from legs in file order; ``ids``: id(call) -> (first leg's id,
    linkedid)."""
    first: dict[int, int] = {}
    dates: dict[int, set] = {}
    calls: dict[int, CallRow] = {}
    for line, leg in enumerate(legs, start=1):
        key = id(leg.call)
        calls[key] = leg.call
        dates.setdefault(key, set()).add(leg.start.date())
        if leg.first:
            first[key] = line
    return [
        WrittenCall(calls[key], source, line, *ids[key], len(dates[key]))
        for key, line in sorted(first.items(), key=lambda item: item[1])
    ]


def write_custom(
    path: Path, source: str, rng: Random, calls: list[CallRow]
) -> tuple[list[WrittenCall], int]:
    """Asterisk cdr_custom rows; uniqueid = start epoch + "." + a channel counter. Returns where
    each call went and the rows written."""
    legs = sorted(
        (leg for call in calls for leg in custom_legs(rng, call)),
        key=lambda leg: (leg.start, not leg.first),
    )
    counter = rng.randint(100, 5000)
    ids: dict[int, tuple[str, str]] = {}
    out = []
    for sequence, leg in enumerate(legs, start=rng.randint(1, 400)):
        counter += rng.randint(1, 3)
        uniqueid = f"{int(leg.start.replace(tzinfo=TZ).timestamp())}.{counter}"
        if leg.first:
            ids[id(leg.call)] = (uniqueid, uniqueid)
        linkedid = ids[id(leg.call)][1]
        out.append(replace(leg, values=_custom_values(leg, uniqueid, linkedid, sequence)))
    out.sort(key=_hang_up_order)
    _write(path, out, unquoted=frozenset({18}))  # ${CDR(sequence)} is not quoted
    return _written(out, source, ids), len(out)


def write_freeswitch(
    path: Path, source: str, rng: Random, calls: list[CallRow]
) -> tuple[list[WrittenCall], int]:
    """FreeSWITCH mod_cdr_csv rows; both legs of a call group under the B leg's uuid."""
    ids: dict[int, tuple[str, str]] = {}
    out = []
    for call in calls:
        legs = freeswitch_legs(rng, call)
        uuids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in legs]
        ids[id(call)] = (uuids[0], uuids[-1])
        for leg, own in zip(legs, uuids, strict=True):
            b_uuid = uuids[1] if leg.role == "a" and len(legs) == 2 else ""
            out.append(replace(leg, values=_freeswitch_values(leg, own, b_uuid)))
    out.sort(key=_hang_up_order)
    _write(path, out)
    return _written(out, source, ids), len(out)


def write_call_files(
    landing: Path, rng: Random, calls: list[CallRow], systems: dict[str, str]
) -> tuple[list[WrittenCall], dict]:
    """Write every system's file; return where each call went and per-file row counts."""
    by_system: dict[str, list[CallRow]] = {MAIN: [], CUSTOM: [], FREESWITCH: []}
    for call in calls:
        by_system[system_of(call, systems)].append(call)
    written: list[WrittenCall] = []
    rows: dict[str, int] = {}
    main = write_master_csv(landing / FILES[MAIN], by_system[MAIN], torn_tail=True)
    written += [
        WrittenCall(c, FILES[MAIN], line, c.fields[16], "", 1)
        for line, c in enumerate(main, start=1)
    ]
    rows[FILES[MAIN]] = len(main) + (1 if main else 0)  # + the torn record
    for system, writer in ((CUSTOM, write_custom), (FREESWITCH, write_freeswitch)):
        if by_system[system]:
            found, rows[FILES[system]] = writer(
                landing / FILES[system], FILES[system], rng, by_system[system]
            )
            written += found
    stats = {
        "call_files": rows,
        "calls_by_system": dict(sorted(Counter(system_of(c, systems) for c in calls).items())),
        "calls_with_legs_on_two_dates": sum(1 for w in written if w.leg_dates > 1),
    }
    return written, stats
