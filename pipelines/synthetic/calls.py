"""Call records of the firm's PBX, written as an Asterisk cdr-csv Master.csv (no header)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

from pipelines.synthetic.people import Client, Employee
from pipelines.synthetic.reference import ContactRules, DncRow

TZ = ZoneInfo("America/Sao_Paulo")
CALLS_PER_CLIENT_DAY = 8000 / (400 * 90)
TRUNK = "vivo-trunk"
DISPOSITIONS = ["ANSWERED", "NO ANSWER", "BUSY", "FAILED"]
DISPOSITION_WEIGHTS = [74, 16, 6, 4]
VIOLATION_KEEP = 0.08  # share of "forbidden" outbound calls that happen anyway


@dataclass(frozen=True)
class CallRow:
    fields: tuple[str, ...]  # the 18 cdr-csv columns, unquoted (uniqueid set by number_calls)
    start: datetime
    end: datetime
    flag: str  # "" | "dnc" | "no_consent"


def _national(e164: str) -> str:
    return e164[3:]


def _when(rng: Random, first_day: date, days: int) -> datetime:
    for _ in range(8):
        day = first_day + timedelta(days=rng.randrange(days))
        if day.weekday() < 5 or rng.random() < 0.12:
            break
    r = rng.random()
    hour = rng.randint(8, 18) if r < 0.93 else rng.choice([7, 19, 20, 21])
    return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))


class CallBook:
    """Draws calls between employees and their clients, with a few compliance violations."""

    def __init__(
        self,
        rng: Random,
        contacts: dict[str, list[Employee]],
        clients: list[Client],
        rules: ContactRules,
    ) -> None:
        self.rng, self.contacts, self.clients, self.rules = rng, contacts, clients, rules
        self.weights = [c.activity for c in clients]
        self.chan = 0x1A0

    def _channel(self, name: str) -> str:
        self.chan += self.rng.randint(1, 3)
        return f"PJSIP/{name}-{self.chan:08x}"

    def row(
        self,
        employee: Employee,
        number: str,
        start: datetime,
        outbound: bool,
        flag: str = "",
        disposition: str | None = None,
    ) -> CallRow:
        rng = self.rng
        disposition = disposition or rng.choices(DISPOSITIONS, DISPOSITION_WEIGHTS)[0]
        ring = {
            "ANSWERED": rng.randint(3, 25),
            "NO ANSWER": rng.randint(20, 45),
            "BUSY": rng.randint(1, 6),
            "FAILED": rng.randint(0, 2),
        }[disposition]
        billsec = 0
        if disposition == "ANSWERED":
            billsec = int(min(3600, max(4, rng.lognormvariate(4.9, 0.9))))
        answer = start + timedelta(seconds=ring) if disposition == "ANSWERED" else None
        end = start + timedelta(seconds=ring + billsec)
        ext = employee.extension
        if outbound:
            dialled = ("0" if rng.random() < 0.7 else "55") + _national(number)
            src, dst, context = ext, dialled, "from-internal"
            clid = f'"{employee.name}" <{ext}>'
            channel, dstchannel = self._channel(ext), self._channel(TRUNK)
            lastdata = f"PJSIP/{dialled}@{TRUNK},60,T"
        else:
            src = _national(number) if rng.random() < 0.8 else number.lstrip("+")
            dst, context, clid = ext, "from-pstn", f'"{src}" <{src}>'
            channel, dstchannel = self._channel(TRUNK), self._channel(ext)
            lastdata = f"PJSIP/{ext},30,tr"
        stamp = "%Y-%m-%d %H:%M:%S"
        fields = (
            "",
            src,
            dst,
            context,
            clid,
            channel,
            dstchannel,
            "Dial",
            lastdata,
            start.strftime(stamp),
            answer.strftime(stamp) if answer else "",
            end.strftime(stamp),
            str(ring + billsec),
            str(billsec),
            disposition,
            "DOCUMENTATION",
            "",
            "",
        )
        return CallRow(fields, start, end, flag)

    def draw(self, first_day: date, days: int) -> list[CallRow]:
        rng = self.rng
        total = round(CALLS_PER_CLIENT_DAY * len(self.clients) * days * rng.uniform(0.95, 1.05))
        rows: list[CallRow] = []
        while len(rows) < total:
            client = rng.choices(self.clients, self.weights)[0]
            employee = rng.choice(self.contacts[client.client_id])
            start = _when(rng, first_day, days)
            outbound = rng.random() < 0.6
            flag = ""
            if outbound and self.rules.on_dnc(client.phone_e164, start):
                flag = "dnc"
            elif outbound and not self.rules.consented(client.phone_e164, start):
                flag = "no_consent"
            if flag and rng.random() > VIOLATION_KEEP:
                continue
            rows.append(self.row(employee, client.phone_e164, start, outbound, flag))
        return rows

    def prospecting(
        self, employees: list[Employee], dnc: list[DncRow], first_day: date, days: int, count: int
    ) -> list[CallRow]:
        """Cold calls to numbers on the do-not-call list that are not clients."""
        targets = [r for r in dnc if not r.client_id]
        return [
            self.row(
                self.rng.choice(employees),
                self.rng.choice(targets).phone_e164,
                _when(self.rng, first_day, days),
                True,
                "dnc",
            )
            for _ in range(count if targets else 0)
        ]


    def late_inbound(
        self, employees: list[Employee], first_day: date, days: int, count: int
    ) -> list[CallRow]:
        """Answered calls from clients in the last minutes before midnight: queued long enough
        that the agent's leg starts the next day (the last day of the window gets none)."""
        ids = {e.employee_id for e in employees}
        pairs = [
            (employee, client)
            for client in self.clients
            for employee in self.contacts.get(client.client_id, [])
            if employee.employee_id in ids
        ]
        rows = []
        for _ in range(count if pairs and days > 1 else 0):
            employee, client = self.rng.choice(pairs)
            day = first_day + timedelta(days=self.rng.randrange(days - 1))
            start = datetime.combine(day, time(23, 57)) + timedelta(
                seconds=self.rng.randrange(150)
            )
            rows.append(self.row(employee, client.phone_e164, start, False, "", "ANSWERED"))
        return rows


def number_calls(rng: Random, rows: list[CallRow]) -> list[CallRow]:
    """Give each call an Asterisk uniqueid: start epoch + "." + a sequence growing with time."""
    seq = rng.randint(100, 5000)
    out = []
    for r in sorted(rows, key=lambda r: (r.start, r.fields[1], r.fields[2])):
        seq += rng.randint(1, 4)
        uniqueid = f"{int(r.start.replace(tzinfo=TZ).timestamp())}.{seq}"
        out.append(CallRow(r.fields[:16] + (uniqueid, ""), r.start, r.end, r.flag))
    return out


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def write_master_csv(path: Path, rows: list[CallRow], *, torn_tail: bool = False) -> list[CallRow]:
    """Write rows in hang-up order (as Asterisk does); return them in file order.

    ``torn_tail`` ends the file with half a record and no newline, as a PBX that lost power
    while writing leaves it: the pipeline must quarantine that line, not lose or guess it.
    """
    ordered = sorted(rows, key=lambda r: (r.end, r.fields[16]))
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        ",".join(v if i in (12, 13) else _quote(v) for i, v in enumerate(r.fields))
        for r in ordered
    ]
    with path.open("w", encoding="utf-8", newline="") as f:
        f.writelines(line + "\n" for line in lines)
        if torn_tail and lines:
            f.write(lines[-1][: len(lines[-1]) // 2])
    return ordered
