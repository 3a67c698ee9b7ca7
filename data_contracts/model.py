"""An ODCS v3.1 data contract as typed objects, parsed from YAML with errors naming file and field.

Only the parts Vigia uses are modelled: one schema object per contract (one Delta table), its
properties (columns) and quality rules, the owner, the description and the SLA properties
(retention, freshness). Unknown keys are kept out of the model but are allowed, as ODCS allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOGICAL_TYPES = ("string", "integer", "number", "boolean", "date", "timestamp", "array")
CLASSIFICATIONS = ("pii", "pseudonymous", "public")
OPERATORS = (
    "mustBe",
    "mustNotBe",
    "mustBeGreaterThan",
    "mustBeGreaterOrEqualTo",
    "mustBeLessThan",
    "mustBeLessOrEqualTo",
    "mustBeBetween",
    "mustNotBeBetween",
)
RULE_TYPES = ("library", "sql", "custom", "text")
SEVERITIES = ("error", "warning")
TEXT_OPTIONS = ("pattern", "minLength", "maxLength")  # string checks; not for binary columns
DURATION_UNITS = {"h": 1 / 24, "d": 1, "day": 1, "days": 1, "y": 365, "yr": 365, "years": 365}


class ContractError(ValueError):
    """A contract file is malformed; the message names the file, the field and what to do."""


@dataclass(frozen=True)
class QualityRule:
    """One ODCS quality rule; ``column`` is None for table-level rules."""

    name: str
    type: str
    column: str | None = None
    metric: str | None = None
    arguments: dict[str, Any] = field(default_factory=dict)
    operator: str = "mustBe"
    threshold: Any = 0
    unit: str = "rows"
    query: str | None = None
    engine: str | None = None
    implementation: str | None = None
    severity: str = "error"
    description: str = ""


@dataclass(frozen=True)
class Column:
    name: str
    logical_type: str
    physical_type: str
    classification: str
    description: str = ""
    required: bool = False
    unique: bool = False
    primary_key: bool = False
    primary_key_position: int = -1
    partitioned: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    quality: tuple[QualityRule, ...] = ()


@dataclass(frozen=True)
class Contract:
    path: Path
    id: str
    table: str
    version: str
    status: str
    owner: str
    purpose: str
    usage: str
    limitations: str
    description: str
    granularity: str
    columns: tuple[Column, ...]
    quality: tuple[QualityRule, ...]
    retention_days: float | None
    retention_element: str | None
    freshness_hours: float | None
    freshness_element: str | None

    @property
    def layer(self) -> str:
        return self.table.partition(".")[0]

    @property
    def key(self) -> list[str]:
        """Primary-key columns in key order; failure samples are taken from these."""
        keys = [c for c in self.columns if c.primary_key]
        return [c.name for c in sorted(keys, key=lambda c: c.primary_key_position)]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def rules(self) -> list[QualityRule]:
        """Every explicit quality rule: table-level first, then per column."""
        return [*self.quality, *(r for c in self.columns for r in c.quality)]


class _Reader:
    """Reads fields of one YAML mapping; errors say ``file: field: problem``."""

    def __init__(self, path: Path, data: Any, where: str):
        if not isinstance(data, dict):
            raise ContractError(f"{path}: {where or 'top level'}: expected a mapping")
        self.path, self.data, self.where = path, data, where

    def fail(self, key: str, problem: str) -> ContractError:
        place = f"{self.where}.{key}" if self.where else key
        return ContractError(f"{self.path}: {place}: {problem}")

    def get(self, key: str, kind: type | tuple = str, default: Any = None, required=False) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                raise self.fail(key, "is required")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind in (int, float) and isinstance(value, bool)):
            raise self.fail(key, f"expected {getattr(kind, '__name__', kind)}, got {value!r}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = self.get(key, str, default, required=default is None)
        if value not in allowed:
            raise self.fail(key, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def child(self, key: str, value: Any) -> _Reader:
        return _Reader(self.path, value, f"{self.where}.{key}" if self.where else key)


def parse_contract(path: Path, data: Any) -> Contract:
    top = _Reader(path, data, "")
    if top.get("apiVersion", required=True) != "v3.1.0":
        raise top.fail("apiVersion", "must be v3.1.0 (ODCS v3.1)")
    if top.get("kind", required=True) != "DataContract":
        raise top.fail("kind", "must be DataContract")
    schema = top.get("schema", list, required=True)
    if len(schema) != 1:
        raise top.fail("schema", "must hold exactly one object (the Delta table)")
    table = top.child("schema[0]", schema[0])
    name = table.get("physicalName", required=True)
    expected = path.name.removesuffix(".odcs.yaml")
    if name != expected:
        raise table.fail("physicalName", f"{name!r} must match the file name ({expected!r})")
    description = top.child("description", top.get("description", dict, required=True))
    columns = tuple(
        _column(table.child(f"properties[{i}]", item))
        for i, item in enumerate(table.get("properties", list, required=True))
    )
    retention, freshness = _sla(top, {c.name for c in columns})
    contract = Contract(
        path=path,
        id=top.get("id", required=True),
        table=name,
        version=str(top.get("version", (str, int, float), required=True)),
        status=top.get("status", required=True),
        owner=_owner(top),
        purpose=description.get("purpose", required=True),
        usage=description.get("usage", default=""),
        limitations=description.get("limitations", default=""),
        description=table.get("description", default=""),
        granularity=table.get("dataGranularityDescription", default=""),
        columns=columns,
        quality=tuple(
            _rule(table.child(f"quality[{i}]", item), None)
            for i, item in enumerate(table.get("quality", list, default=[]))
        ),
        retention_days=retention[0],
        retention_element=retention[1],
        freshness_hours=freshness[0],
        freshness_element=freshness[1],
    )
    _check_consistency(contract, table)
    return contract


def _owner(top: _Reader) -> str:
    team = top.child("team", top.get("team", dict, required=True))
    for i, member in enumerate(team.get("members", list, default=[])):
        person = team.child(f"members[{i}]", member)
        if person.get("role") == "owner":
            return person.get("username", required=True)
    raise team.fail("members", "needs one member with role: owner")


def _column(reader: _Reader) -> Column:
    logical = reader.choice("logicalType", LOGICAL_TYPES)
    primary = reader.get("primaryKey", bool, False)
    return Column(
        name=reader.get("name", required=True),
        logical_type=logical,
        physical_type=reader.get("physicalType", required=True),
        classification=reader.choice("classification", CLASSIFICATIONS),
        description=reader.get("description", default=""),
        required=reader.get("required", bool, False) or primary,
        unique=reader.get("unique", bool, False),
        primary_key=primary,
        primary_key_position=reader.get("primaryKeyPosition", int, -1),
        partitioned=reader.get("partitioned", bool, False),
        options=reader.get("logicalTypeOptions", dict, {}),
        quality=tuple(
            _rule(reader.child(f"quality[{i}]", item), reader.data["name"])
            for i, item in enumerate(reader.get("quality", list, default=[]))
        ),
    )


def _rule(reader: _Reader, column: str | None) -> QualityRule:
    kind = reader.choice("type", RULE_TYPES, "library")
    operators = [op for op in OPERATORS if op in reader.data]
    if kind != "text" and len(operators) > 1:
        raise reader.fail(operators[1], "give one operator per rule")
    if kind in ("library", "sql") and not operators:
        raise reader.fail("mustBe", f"a {kind} rule needs an operator ({', '.join(OPERATORS)})")
    operator = operators[0] if operators else "mustBe"
    threshold = reader.data.get(operator, 0)
    if operator.endswith("Between") and not (isinstance(threshold, list) and len(threshold) == 2):
        raise reader.fail(operator, "expects [low, high]")
    rule = QualityRule(
        name=reader.get("name", default=""),
        type=kind,
        column=column,
        metric=reader.get("metric", required=kind == "library"),
        arguments=reader.get("arguments", dict, {}),
        operator=operator,
        threshold=threshold,
        unit=reader.choice("unit", ("rows", "percent"), "rows"),
        query=reader.get("query", required=kind == "sql"),
        engine=reader.get("engine", required=kind == "custom"),
        implementation=reader.get("implementation", required=kind == "custom"),
        severity=reader.choice("severity", SEVERITIES, "error"),
        description=reader.get("description", default=""),
    )
    if not rule.name:
        label = rule.metric or rule.implementation or rule.type
        rule = QualityRule(**{**rule.__dict__, "name": f"{column or 'table'}.{label}"})
    return rule


def _sla(top: _Reader, columns: set[str]) -> tuple[tuple, tuple]:
    found: dict[str, tuple[float | None, str | None]] = {}
    for i, item in enumerate(top.get("slaProperties", list, default=[])):
        sla = top.child(f"slaProperties[{i}]", item)
        prop = sla.get("property", required=True)
        if prop not in ("retention", "latency"):
            continue
        unit = sla.choice("unit", tuple(DURATION_UNITS))
        days = sla.get("value", float, required=True) * DURATION_UNITS[unit]
        element = sla.get("element", default=None)
        column = element.rpartition(".")[2] if element else None
        if column is not None and column not in columns:
            raise sla.fail("element", f"{element!r} names no column of this table")
        found[prop] = (days if prop == "retention" else days * 24, column)
    if "retention" not in found:
        raise top.fail("slaProperties", "needs a retention entry (property: retention)")
    return found["retention"], found.get("latency", (None, None))


def _check_consistency(contract: Contract, table: _Reader) -> None:
    names = [c.name for c in contract.columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise table.fail("properties", f"columns listed twice: {', '.join(duplicated)}")
    if not contract.key:
        raise table.fail("properties", "mark the key column(s) with primaryKey: true")
    for column in contract.columns:
        where = f"properties[{names.index(column.name)}]"
        if column.primary_key and column.classification == "pii":
            raise table.fail(
                where,
                f"{column.name}: a key column cannot be pii (its values are "
                "shown in failure messages)",
            )
        if contract.layer != "bronze" and column.classification == "pii":
            raise table.fail(where, f"{column.name}: only bronze may hold pii columns")
        if column.physical_type == "binary":
            text_only = sorted(set(column.options) & set(TEXT_OPTIONS))
            if text_only:
                raise table.fail(
                    where,
                    f"{column.name}: {', '.join(text_only)} cannot be checked on binary values; "
                    "check byte contents in the table's own asset check",
                )
            continue  # bytes (e.g. ciphertext): no pattern or text scan can prove them
        proven = "pattern" in column.options or any(
            r.implementation == "noPiiInText" for r in column.quality
        )
        if (
            column.classification == "pseudonymous"
            and column.logical_type == "string"
            and not (proven)
        ):
            raise table.fail(
                where,
                f"{column.name}: a pseudonymous column needs "
                "logicalTypeOptions.pattern or a noPiiInText rule",
            )
    for rule in contract.quality:
        for name in rule.arguments.get("properties", []):
            if name not in names:
                raise table.fail("quality", f"{rule.name}: {name!r} is not a column")
