"""Reference files of the landing folder: directory, clients, consents and do-not-call list."""

from __future__ import annotations

import csv
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

from pipelines.synthetic.people import Client, Employee, Registry, format_cpf, write_phone

TZ = ZoneInfo("America/Sao_Paulo")
CONSENT_SOURCES = ["contrato", "formulario_site", "whatsapp", "telefone", "email"]
DNC_SOURCES = ["nao_me_perturbe", "pedido_do_titular", "procon"]


@dataclass(frozen=True)
class ConsentRow:
    client_id: str
    phone_e164: str
    phone_written: str
    channel: str  # whatsapp | call
    status: str  # given | refused | withdrawn
    recorded_at: datetime  # aware, America/Sao_Paulo
    source: str


@dataclass(frozen=True)
class DncRow:
    phone_e164: str
    phone_written: str
    added_on: date
    source: str
    client_id: str  # "" for numbers unrelated to any client


def _moment(rng: Random, day: date) -> datetime:
    clock = time(rng.randint(8, 19), rng.randrange(60), rng.randrange(60))
    return datetime.combine(day, clock, tzinfo=TZ)


def make_consents(
    rng: Random, registry: Registry, clients: list[Client], first_day: date, last_day: date
) -> list[ConsentRow]:
    """Most clients consent on both channels; some refuse, some withdraw, a few have no record."""
    rows = []
    span = (last_day - first_day).days + 30
    for c in clients:
        onboarded = first_day - timedelta(days=rng.randint(31, 900))
        for channel in ("whatsapp", "call"):
            r = rng.random()
            if r < 0.03:
                continue

            def row(status: str, at: datetime, c: Client = c, channel: str = channel) -> ConsentRow:
                written = write_phone(c.phone_e164, registry.phone_style())
                return ConsentRow(
                    c.client_id,
                    c.phone_e164,
                    written,
                    channel,
                    status,
                    at,
                    rng.choice(CONSENT_SOURCES),
                )

            if r < 0.07:
                rows.append(row("refused", _moment(rng, onboarded)))
                continue
            rows.append(row("given", _moment(rng, onboarded)))
            if r < 0.13:
                withdrawn = first_day - timedelta(days=30) + timedelta(days=rng.randrange(span))
                rows.append(row("withdrawn", _moment(rng, withdrawn)))
    rows.sort(key=lambda x: (x.recorded_at, x.client_id, x.channel))
    return rows


def make_dnc(
    rng: Random, registry: Registry, clients: list[Client], first_day: date, last_day: date
) -> list[DncRow]:
    """About 2% of client phones plus some numbers unrelated to the firm."""
    rows = []
    span = (last_day - first_day).days + 60
    n_clients = max(1, round(len(clients) * 0.02)) if clients else 0
    for c in rng.sample(clients, n_clients):
        added = first_day - timedelta(days=60) + timedelta(days=rng.randrange(span))
        rows.append(
            DncRow(
                c.phone_e164,
                write_phone(c.phone_e164, registry.phone_style()),
                added,
                rng.choice(DNC_SOURCES),
                c.client_id,
            )
        )
    for _ in range(max(2, len(clients) // 20)):
        e164 = registry.mobile()
        written = write_phone(e164, registry.phone_style())
        registry.add_mention(phone_e164=e164, phone_written=written)
        added = first_day - timedelta(days=rng.randint(1, 700))
        rows.append(DncRow(e164, written, added, "nao_me_perturbe", ""))
    rows.sort(key=lambda x: (x.added_on, x.phone_e164))
    return rows


class ContactRules:
    """Answers "may the firm call this number at this moment?" from consents and the DNC list."""

    def __init__(self, consents: list[ConsentRow], dnc: list[DncRow]) -> None:
        self._call: dict[str, tuple[list[datetime], list[str]]] = {}
        for row in consents:  # already sorted by time
            if row.channel == "call":
                times, states = self._call.setdefault(row.phone_e164, ([], []))
                times.append(row.recorded_at.replace(tzinfo=None))
                states.append(row.status)
        self._dnc = {row.phone_e164: row.added_on for row in dnc}

    def consented(self, phone_e164: str, at: datetime) -> bool:
        times, states = self._call.get(phone_e164, ([], []))
        i = bisect_right(times, at)
        return i > 0 and states[i - 1] == "given"

    def on_dnc(self, phone_e164: str, at: datetime) -> bool:
        added = self._dnc.get(phone_e164)
        return added is not None and added <= at.date()


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_reference(
    folder: Path,
    employees: list[Employee],
    clients: list[Client],
    consents: list[ConsentRow],
    dnc: list[DncRow],
    rng: Random,
) -> None:
    _write_csv(
        folder / "employees.csv",
        ["employee_id", "name", "phone", "email", "role", "team", "manager_id", "extension"],
        [
            [
                e.employee_id,
                e.name,
                e.phone_written,
                e.email,
                e.role,
                e.team,
                e.manager_id,
                e.extension,
            ]
            for e in employees
        ],
    )
    _write_csv(
        folder / "clients.csv",
        ["client_id", "name", "phone", "email", "cpf"],
        [
            [
                c.client_id,
                c.name,
                c.phone_written,
                c.email,
                format_cpf(c.cpf) if rng.random() < 0.8 else c.cpf,
            ]
            for c in clients
        ],
    )
    _write_csv(
        folder / "consents.csv",
        ["phone", "channel", "status", "recorded_at", "source"],
        [
            [r.phone_written, r.channel, r.status, r.recorded_at.isoformat(), r.source]
            for r in consents
        ],
    )
    _write_csv(
        folder / "do_not_call.csv",
        ["phone", "added_on", "source"],
        [[r.phone_written, r.added_on.isoformat(), r.source] for r in dnc],
    )
