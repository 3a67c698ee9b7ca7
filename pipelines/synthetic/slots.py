"""Values for the {slots} of the dialogue templates, drawn lazily so only used PII is created."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random

from pipelines.synthetic.people import (
    FIRM_NAME,
    Client,
    Employee,
    Mentioned,
    Registry,
    format_cpf,
    write_phone,
)

WEEKDAYS = ["segunda", "terça", "quarta", "quinta", "sexta"]
HOURS = ["9h", "9h30", "10h", "11h", "13h30", "14h", "14h30", "15h", "16h", "17h"]
RELATIVES = {
    "m": ["meu irmão", "meu pai", "meu marido", "meu cunhado", "meu filho", "meu ex"],
    "f": ["minha irmã", "minha mãe", "minha esposa", "minha cunhada", "minha filha"],
}
VARAS = {  # team -> court name template, CNJ segment (J.TR)
    "Trabalhista": ("{n}ª Vara do Trabalho de São Paulo", "5.02"),
    "Família": ("{n}ª Vara da Família e Sucessões do Foro Central", "8.26"),
    "Cível": ("{n}ª Vara Cível do Foro Central", "8.26"),
    "Previdenciário": ("{n}ª Vara Previdenciária Federal de São Paulo", "4.03"),
    "Criminal": ("{n}ª Vara Criminal da Barra Funda", "8.26"),
    "Tributário": ("{n}ª Vara de Execuções Fiscais Federal", "4.03"),
}


def cnj_number(rng: Random, year: int, segment: str) -> str:
    """A lawsuit number in the CNJ format with valid check digits (mod 97, Res. CNJ 65/2008)."""
    seq = rng.randint(1, 9_999_999)
    origin = rng.randint(1, 99)
    j, tr = segment.split(".")
    check = 98 - int(f"{seq:07d}{year}{j}{tr}{origin:04d}00") % 97
    return f"{seq:07d}-{check:02d}.{year}.{j}.{tr}.{origin:04d}"


def money(rng: Random) -> str:
    value = rng.choice([rng.randint(5, 50) * 100, rng.randint(1, 30) * 1000])
    if rng.random() < 0.2:
        return f"{value // 1000} mil" if value >= 1000 else f"{value} reais"
    return "R$ " + f"{value:,}".replace(",", ".") + ",00"


@dataclass
class World:
    """Things shared by all conversations of one run (kept stable per client / employee)."""

    rng: Random
    registry: Registry
    lawsuits: dict[str, tuple[str, str]] = field(default_factory=dict)  # client_id -> (cnj, vara)
    judges: dict[str, str] = field(default_factory=dict)  # team -> name
    personal_phones: dict[str, str] = field(default_factory=dict)  # employee_id -> as written
    doc_kinds: list[str] = field(default_factory=lambda: ["RG", "comprovante de residência"])

    def lawsuit(self, client: Client, year: int) -> tuple[str, str]:
        if client.client_id not in self.lawsuits:
            template, segment = VARAS[client.team]
            vara = template.format(n=self.rng.randint(1, 40))
            self.lawsuits[client.client_id] = (cnj_number(self.rng, year, segment), vara)
        return self.lawsuits[client.client_id]

    def judge(self, team: str) -> str:
        if team not in self.judges:
            name = self.registry.name("m")[1]
            self.registry.add_mention(name=name)
            self.judges[team] = name
        return self.judges[team]

    def personal_phone(self, employee: Employee) -> str:
        if employee.employee_id not in self.personal_phones:
            e164 = self.registry.mobile(11)
            written = write_phone(e164, self.rng.choice(["paren", "spaced", "digits"]))
            self.registry.add_mention(name=employee.name, phone_e164=e164, phone_written=written)
            self.personal_phones[employee.employee_id] = written
        return self.personal_phones[employee.employee_id]


class Slots(dict):
    """Template values for one session; missing keys are drawn on first use."""

    def __init__(
        self, world: World, employee: Employee, client: Client, day: datetime, c_call: str
    ) -> None:
        super().__init__()
        self.world, self.employee, self.client, self.day = world, employee, client, day
        self.rng = world.rng
        self._third: dict[str, str] = {}
        title = ("Dra. " if employee.gender == "f" else "Dr. ") if employee.is_lawyer else ""
        self.update(
            c_first=client.first_name,
            c_name=client.name,
            c_call=c_call,
            e_first=employee.first_name,
            e_name=employee.name,
            e_call=title + employee.first_name,
            firm=FIRM_NAME,
        )

    def __missing__(self, key: str) -> str:
        value = self._draw(key)
        self[key] = value
        return value

    def _draw(self, key: str) -> str:
        rng, client = self.rng, self.client

        def future() -> datetime:
            return self.day + timedelta(days=rng.randint(3, 45))

        simple = {
            "date": lambda: f"{future():%d/%m}",
            "fulldate": lambda: f"{future():%d/%m/%Y}",
            "weekday": lambda: rng.choice(WEEKDAYS),
            "hour": lambda: rng.choice(HOURS),
            "value": lambda: money(rng),
            "doc": lambda: rng.choice(self.world.doc_kinds),
            "proc": lambda: self.world.lawsuit(client, self.day.year - rng.randint(0, 3))[0],
            "vara": lambda: self.world.lawsuit(client, self.day.year - rng.randint(0, 3))[1],
            "judge": lambda: self.world.judge(client.team),
            "cpf": lambda: format_cpf(client.cpf) if rng.random() < 0.7 else client.cpf,
            "c_email": lambda: client.email,
            "pphone": lambda: self.world.personal_phone(self.employee),
        }
        if key in simple:
            return simple[key]()
        if key in ("rel", "rel_do", "ele", "o_a", "m_name", "m_phone", "m_cpf", "m_email"):
            return self._third_party(key)
        raise KeyError(f"unknown template slot {{{key}}}; add it to pipelines/synthetic/slots.py")

    def _third_party(self, key: str) -> str:
        """One third party per session; only the identifiers actually used are recorded."""
        t = self._third
        if not t:
            gender = self.rng.choice("mf")
            rel = self.rng.choice(RELATIVES[gender])
            t.update(
                gender=gender,
                rel=rel,
                rel_do=("do " if gender == "m" else "da ") + rel,
                ele="ele" if gender == "m" else "ela",
                o_a="o" if gender == "m" else "a",
            )
        if key in t:
            return t[key]
        registry = self.world.registry
        if key in ("m_name", "m_email") and "full" not in t:
            t["full"] = registry.name(t["gender"])[1]
        if key == "m_name":
            t[key] = t["full"]
        elif key == "m_email":
            t[key] = registry.email(t["full"])
        elif key == "m_cpf":
            cpf = registry.cpf()
            t["cpf_digits"] = cpf
            t[key] = format_cpf(cpf) if self.rng.random() < 0.6 else cpf
        elif key == "m_phone":
            t["e164"] = registry.mobile()
            t[key] = write_phone(t["e164"], self.rng.choice(["paren", "intl", "spaced"]))
        return t[key]

    def finish(self) -> Mentioned | None:
        """Register the session's third party (if any identifier of it reached the text)."""
        t = self._third
        if not any(k in t for k in ("m_name", "m_phone", "m_cpf", "m_email")):
            return None
        return self.world.registry.add_mention(
            name=t.get("m_name", ""),
            phone_e164=t.get("e164", ""),
            phone_written=t.get("m_phone", ""),
            email=t.get("m_email", ""),
            cpf=t.get("cpf_digits", ""),
        )
