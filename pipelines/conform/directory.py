"""The firm's directory (employees) and known clients, as the pipeline resolves people.

Read from ``<landing>/reference/{employees,clients}.csv``. Each person gets one canonical
identifier (their phone in E.164 when valid, else their e-mail, else their directory id), and
their other identifiers are aliases of it, so that one person carries one pseudonym everywhere.
Nothing here is written to a table in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.privacy.phones import to_e164
from pipelines.privacy.pseudonyms import (
    canonical_cpf,
    canonical_email,
    canonical_phone,
    fold_name,
)

EMPLOYEE_COLUMNS = (
    "employee_id",
    "name",
    "phone",
    "email",
    "role",
    "team",
    "manager_id",
    "extension",
)
CLIENT_COLUMNS = ("client_id", "name", "phone")


class ReferenceDataError(Exception):
    """A reference file is missing or malformed; the message names file, line and field."""


@dataclass(frozen=True)
class Person:
    person_id: str
    kind: str  # "employee" | "client"
    name: str
    canonical: str
    aliases: tuple[str, ...] = ()
    team: str | None = None
    role: str | None = None
    manager_id: str | None = None
    extension: str | None = None


class Directory:
    """Lookups from what appears in exports and call records to known people."""

    def __init__(self, people: list[Person]):
        self.people = people
        self.by_id = {p.person_id: p for p in people}
        self.by_canonical: dict[str, Person] = {}
        self.by_name: dict[str, Person] = {}
        self.by_extension: dict[str, Person] = {}
        for person in people:
            for identifier in (person.canonical, *person.aliases):
                self.by_canonical.setdefault(identifier, person)
            self.by_name.setdefault(fold_name(person.name), person)
            if person.extension:
                self.by_extension[person.extension] = person

    @classmethod
    def empty(cls) -> Directory:
        return cls([])

    @classmethod
    def load(cls, reference_dir: Path, default_region: str = "BR") -> Directory:
        people = _read_people(
            reference_dir / "employees.csv",
            "employee",
            "employee_id",
            EMPLOYEE_COLUMNS,
            default_region,
        )
        people += _read_people(
            reference_dir / "clients.csv", "client", "client_id", CLIENT_COLUMNS, default_region
        )
        return cls(people)

    def aliases(self) -> dict[str, str]:
        """Alias -> canonical identifier, for the Pseudonymizer."""
        return {alias: p.canonical for p in self.people for alias in p.aliases}

    def known_names(self) -> dict[str, str]:
        """Display name -> canonical identifier, for name recognition in text."""
        return {p.name: p.canonical for p in self.people if p.name}

    def employee(self, employee_id: str | None) -> Person | None:
        person = self.by_id.get(employee_id or "")
        return person if person and person.kind == "employee" else None

    def resolve(
        self, shown: str, scope: str, default_region: str = "BR"
    ) -> tuple[str, Person | None]:
        """Canonical identifier for a name or number as shown in an export or CDR.

        A valid phone number is the number itself; a directory name is that person; anything
        else is a name only meaningful within ``scope`` (e.g. the exporting employee).
        """
        shown = shown.strip()
        e164 = to_e164(shown, default_region) if any(ch.isdigit() for ch in shown) else None
        if e164 is not None:
            identifier = canonical_phone(e164)
            return identifier, self.by_canonical.get(identifier)
        person = self.by_name.get(fold_name(shown))
        if person is not None:
            return person.canonical, person
        folded = fold_name(shown) or "?"
        return f"name:{scope}:{folded}", None


def _read_people(
    path: Path, kind: str, id_column: str, required: tuple[str, ...], default_region: str
) -> list[Person]:
    if not path.exists():
        return []
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise ReferenceDataError(f"{path}: not a readable CSV file ({type(exc).__name__})") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ReferenceDataError(
            f"{path}: missing column(s) {', '.join(missing)}; expected header {','.join(required)}"
        )
    people = []
    for line, row in enumerate(frame.iter_rows(named=True), start=2):
        person_id = (row.get(id_column) or "").strip()
        if not person_id:
            raise ReferenceDataError(
                f"{path}, line {line}: empty {id_column}; every row needs an id"
            )
        identifiers = _identifiers(row, default_region)
        canonical = identifiers[0] if identifiers else f"{kind}:{person_id}"
        people.append(
            Person(
                person_id=person_id,
                kind=kind,
                name=(row.get("name") or "").strip(),
                canonical=canonical,
                aliases=tuple(identifiers[1:]),
                team=_clean(row.get("team")),
                role=_clean(row.get("role")),
                manager_id=_clean(row.get("manager_id")),
                extension=_clean(row.get("extension")),
            )
        )
    return people


def _identifiers(row: dict, default_region: str) -> list[str]:
    found = []
    e164 = to_e164(row.get("phone") or "", default_region)
    if e164:
        found.append(canonical_phone(e164))
    if (row.get("email") or "").strip():
        found.append(canonical_email(row["email"]))
    cpf_digits = "".join(ch for ch in (row.get("cpf") or "") if ch.isdigit())
    if len(cpf_digits) == 11:
        found.append(canonical_cpf(cpf_digits))
    return found


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
