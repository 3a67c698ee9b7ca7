"""People of the fictional law firm: employees, clients and the third parties they mention.

All names, phones, CPFs and e-mails come from Faker (pt_BR) and a seeded ``random.Random``;
the ``Registry`` keeps them unique and records every identifier for the ground truth.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from random import Random

import phonenumbers
from faker import Faker

FIRM_NAME = "Albuquerque & Moraes Advogados"
FIRM_DOMAIN = "albuquerquemoraes.adv.br"
OFFICE_DDD = 11

TEAMS = ["Trabalhista", "Família", "Cível", "Previdenciário", "Criminal", "Tributário"]
TEAM_WEIGHTS = [30, 20, 20, 15, 8, 7]
LAWYER_ROLES = ("socio_admin", "socio", "advogado_senior", "advogado")
ROLE_LABELS = {  # key: (male, female)
    "socio_admin": ("Sócio-administrador", "Sócia-administradora"),
    "socio": ("Sócio", "Sócia"),
    "advogado_senior": ("Advogado sênior", "Advogada sênior"),
    "advogado": ("Advogado", "Advogada"),
    "estagiario": ("Estagiário", "Estagiária"),
    "secretaria": ("Secretário", "Secretária"),
    "financeiro": ("Analista financeiro", "Analista financeira"),
}
STAFF_ROLE_WEIGHTS = [
    ("advogado", 50),
    ("advogado_senior", 15),
    ("estagiario", 15),
    ("secretaria", 10),
    ("financeiro", 10),
]
# Real Brazilian area codes, weighted towards the firm's own region.
DDD_WEIGHTS = [
    (11, 40),
    (12, 2),
    (13, 3),
    (15, 2),
    (16, 2),
    (19, 4),
    (21, 9),
    (24, 1),
    (27, 2),
    (31, 6),
    (34, 1),
    (41, 4),
    (43, 1),
    (47, 2),
    (48, 2),
    (51, 4),
    (54, 1),
    (61, 4),
    (62, 2),
    (65, 1),
    (67, 1),
    (71, 4),
    (79, 1),
    (81, 4),
    (83, 1),
    (84, 1),
    (85, 3),
    (91, 2),
    (92, 2),
    (98, 1),
]
EMAIL_DOMAINS = [
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "yahoo.com.br",
    "uol.com.br",
    "bol.com.br",
    "terra.com.br",
]
PHONE_STYLES = ["intl", "paren", "digits", "spaced", "e164"]
PHONE_STYLE_WEIGHTS = [30, 30, 20, 12, 8]


@dataclass(frozen=True)
class Employee:
    employee_id: str
    name: str
    first_name: str
    gender: str  # "m" | "f"
    phone_e164: str
    phone_written: str
    email: str
    role_key: str
    team: str
    manager_id: str
    extension: str

    @property
    def role(self) -> str:
        return ROLE_LABELS[self.role_key][self.gender == "f"]

    @property
    def is_lawyer(self) -> bool:
        return self.role_key in LAWYER_ROLES


@dataclass(frozen=True)
class Client:
    client_id: str
    name: str
    first_name: str
    last_name: str
    gender: str
    phone_e164: str
    phone_written: str
    email: str
    cpf: str  # 11 digits
    team: str
    activity: float  # relative chattiness, mean ~1


@dataclass(frozen=True)
class Mentioned:
    """A third party whose identifiers appear in message text (relative, judge, personal phone)."""

    person_id: str
    name: str
    phone_e164: str = ""
    phone_written: str = ""
    email: str = ""
    cpf: str = ""


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_text.lower())


def format_cpf(cpf: str) -> str:
    return f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"


def write_phone(e164: str, style: str) -> str:
    """Render an E.164 Brazilian number the way a person would type it."""
    number = phonenumbers.parse(e164)
    national = str(number.national_number)
    if style == "intl":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if style == "paren":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if style == "digits":
        return national
    if style == "spaced":
        return f"{national[:2]} {national[2:-4]}-{national[-4:]}"
    return e164


class Registry:
    """Draws unique people and remembers every identifier handed out."""

    def __init__(self, rng: Random, fake: Faker) -> None:
        self.rng = rng
        self.fake = fake
        self._phones: set[str] = set()
        self._names: set[str] = set()
        self._cpfs: set[str] = set()
        self._emails: set[str] = set()
        self.mentioned: list[Mentioned] = []

    def phone_style(self) -> str:
        return self.rng.choices(PHONE_STYLES, PHONE_STYLE_WEIGHTS)[0]

    def mobile(self, ddd: int | None = None) -> str:
        if ddd is None:
            ddd = self.rng.choices([d for d, _ in DDD_WEIGHTS], [w for _, w in DDD_WEIGHTS])[0]
        while True:
            e164 = f"+55{ddd}9{self.rng.randint(6, 9)}{self.rng.randint(0, 9_999_999):07d}"
            if e164 not in self._phones and phonenumbers.is_valid_number(phonenumbers.parse(e164)):
                self._phones.add(e164)
                return e164

    def name(self, gender: str) -> tuple[str, str]:
        """Return (first name, full name), unique across everyone generated."""
        while True:
            first = self.fake.first_name_female() if gender == "f" else self.fake.first_name_male()
            last = self.fake.last_name()
            if self.rng.random() < 0.5:
                last = f"{last} {self.fake.last_name()}"
            full = f"{first} {last}"
            if full not in self._names and last.split()[0] != first:
                self._names.add(full)
                return first, full

    def cpf(self) -> str:
        while True:
            cpf = re.sub(r"\D", "", self.fake.cpf())
            if cpf not in self._cpfs:
                self._cpfs.add(cpf)
                return cpf

    def email(self, full_name: str, domain: str | None = None) -> str:
        parts = [slug(p) for p in full_name.split()]
        first, last = parts[0], parts[-1]
        for attempt in range(100):
            pattern = self.rng.randrange(4) if domain is None else attempt % 4
            local = [f"{first}.{last}", f"{first}{last}", f"{first}_{last}", f"{first[0]}{last}"][
                pattern
            ]
            if attempt >= 4 or (domain is None and (attempt > 1 or self.rng.random() < 0.4)):
                local += str(
                    self.rng.randint(1, 99) if attempt < 50 else self.rng.randint(100, 9999)
                )
            address = f"{local}@{domain or self.rng.choice(EMAIL_DOMAINS)}"
            if address not in self._emails:
                self._emails.add(address)
                return address
        raise RuntimeError("could not draw a unique e-mail address; increase the name pool")

    def add_mention(
        self,
        *,
        name: str = "",
        phone_e164: str = "",
        phone_written: str = "",
        email: str = "",
        cpf: str = "",
    ) -> Mentioned:
        """Record a third party whose identifiers were written into some message text."""
        person = Mentioned(
            f"M{len(self.mentioned) + 1:04d}", name, phone_e164, phone_written, email, cpf
        )
        self.mentioned.append(person)
        return person


def make_employees(registry: Registry, count: int) -> list[Employee]:
    rng = registry.rng
    n_teams = max(1, min(len(TEAMS), count // 7))
    teams = TEAMS[:n_teams]
    plan: list[tuple[str, str, str]] = [("socio_admin", teams[0], "")]  # role, team, manager
    for team in teams:
        if len(plan) < count:
            plan.append(("socio", team, "E001"))
    team_head = {team: f"E{i + 2:03d}" for i, team in enumerate(teams) if i + 1 < count}
    roles, weights = zip(*STAFF_ROLE_WEIGHTS, strict=True)
    while len(plan) < count:
        role = rng.choices(roles, weights)[0]
        team = teams[len(plan) % n_teams]
        plan.append((role, team, team_head.get(team, "E001")))
    employees = []
    for i, (role, team, manager) in enumerate(plan):
        gender = rng.choice("mf")
        first, full = registry.name(gender)
        e164 = registry.mobile(OFFICE_DDD)
        employees.append(
            Employee(
                employee_id=f"E{i + 1:03d}",
                name=full,
                first_name=first,
                gender=gender,
                phone_e164=e164,
                phone_written=write_phone(e164, registry.phone_style()),
                email=registry.email(full, FIRM_DOMAIN),
                role_key=role,
                team=team,
                manager_id=manager,
                extension=str(2001 + i),
            )
        )
    return employees


def make_clients(registry: Registry, count: int, teams: list[str]) -> list[Client]:
    rng = registry.rng
    weights = [TEAM_WEIGHTS[TEAMS.index(t)] for t in teams]
    clients = []
    for i in range(count):
        gender = rng.choice("mf")
        first, full = registry.name(gender)
        e164 = registry.mobile()
        clients.append(
            Client(
                client_id=f"C{i + 1:04d}",
                name=full,
                first_name=first,
                last_name=full.split()[-1],
                gender=gender,
                phone_e164=e164,
                phone_written=write_phone(e164, registry.phone_style()),
                email=registry.email(full),
                cpf=registry.cpf(),
                team=rng.choices(teams, weights)[0],
                activity=min(5.0, rng.lognormvariate(-0.3, 0.8)),
            )
        )
    return clients
