"""Compile a contract into a Great Expectations 1.x suite.

Each expectation is paired with the contract rule it enforces (:class:`Planned`), so a result can
be reported as "table: rule: N failing rows, e.g. <key values>". Great Expectations is imported
inside the functions (it takes seconds to import); it validates pandas frames, so polars frames
are converted with pyarrow-backed dtypes (nullable integers stay integers).

What is compiled: the column set, each column's type (logicalType; ``bytes`` for a ``binary``
physicalType), ``required``, ``unique``, the primary key, ``logicalTypeOptions`` (pattern,
minimum/maximum, min/maxLength), library metrics (nullValues, missingValues, invalidValues with
validValues or pattern, duplicateValues, rowCount), freshness (the ``latency`` SLA on a
timestamp column) and ``custom`` rules with ``engine: greatExpectations`` (``implementation`` is
YAML: ``type`` + ``kwargs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml

from data_contracts.model import Column, Contract, ContractError, QualityRule

# The Python type Great Expectations observes in each value of a pyarrow-backed pandas column.
PYTHON_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "date": "date",
    "timestamp": "datetime",
    "array": "list",
}
# Physical types whose values are not what their logical type suggests: ODCS has no binary
# logicalType, so a Delta ``binary`` column is ``logicalType: string`` holding ``bytes``.
PHYSICAL_PYTHON_TYPES = {"binary": "bytes"}


def python_type(column: Column) -> str:
    """The Python type name Great Expectations should observe in ``column``'s values."""
    return PHYSICAL_PYTHON_TYPES.get(column.physical_type, PYTHON_TYPES[column.logical_type])


@dataclass(frozen=True)
class Planned:
    """One expectation and how to judge it: by GX's own verdict or by a contract operator."""

    rule: str
    expectation: Any
    severity: str = "error"
    by_count: bool = True  # judge by the unexpected count against the operator below
    operator: str = "mustBe"
    threshold: Any = 0
    unit: str = "rows"
    metric: str | None = None  # "rowCount": judge observed_value, not an unexpected count


def compile_contract(contract: Contract, now: datetime | None = None) -> list[Planned]:
    """The planned expectations for ``contract``; freshness is measured from ``now``."""
    import great_expectations.expectations as gxe

    now = now or datetime.now(UTC)
    names = [c.name for c in contract.columns]
    plan = [
        Planned(
            "columns match the contract",
            gxe.ExpectTableColumnsToMatchSet(column_set=names, exact_match=True),
            by_count=False,
        ),
    ]
    key = contract.key
    if len(key) > 1:
        plan.append(
            Planned(
                f"({', '.join(key)}) is unique",
                gxe.ExpectCompoundColumnsToBeUnique(column_list=key),
            )
        )
    for column in contract.columns:
        plan += _column_plan(gxe, column, single_key=key == [column.name])
    for rule in contract.rules():
        planned = _rule_plan(gxe, rule)
        if planned is not None:
            plan.append(planned)
    if contract.freshness_hours is not None and contract.freshness_element:
        since = now - timedelta(hours=contract.freshness_hours)
        plan.append(
            Planned(
                f"freshness: newest {contract.freshness_element} after {since:%Y-%m-%d %H:%M} UTC "
                f"({contract.freshness_hours:g} h)",
                gxe.ExpectColumnMaxToBeBetween(
                    column=contract.freshness_element, min_value=since.isoformat()
                ),
                severity="warning",
                by_count=False,
            )
        )
    return plan


def build_suite(contract: Contract, now: datetime | None = None):
    """The contract as a named ``great_expectations.ExpectationSuite``."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=contract.table)
    for planned in compile_contract(contract, now):
        suite.add_expectation(planned.expectation)
    return suite


def _column_plan(gxe, column, single_key: bool) -> list[Planned]:
    name = column.name
    shown = column.physical_type if column.physical_type in PHYSICAL_PYTHON_TYPES else None
    plan = [
        Planned(
            f"{name} is of type {shown or column.logical_type}",
            gxe.ExpectColumnValuesToBeOfType(column=name, type_=python_type(column)),
            by_count=False,
        )
    ]
    if column.required:
        plan.append(Planned(f"{name} is not null", gxe.ExpectColumnValuesToNotBeNull(column=name)))
    if column.unique or single_key:
        plan.append(Planned(f"{name} is unique", gxe.ExpectColumnValuesToBeUnique(column=name)))
    options = column.options
    if "pattern" in options:
        plan.append(
            Planned(
                f"{name} matches {options['pattern']}",
                gxe.ExpectColumnValuesToMatchRegex(column=name, regex=options["pattern"]),
            )
        )
    low = options.get("minimum", options.get("exclusiveMinimum"))
    high = options.get("maximum", options.get("exclusiveMaximum"))
    if low is not None or high is not None:
        strict_min, strict_max = "exclusiveMinimum" in options, "exclusiveMaximum" in options
        plan.append(
            Planned(
                f"{name} in {'(' if strict_min else '['}{_bound(low)}, {_bound(high)}"
                f"{')' if strict_max else ']'}",
                gxe.ExpectColumnValuesToBeBetween(
                    column=name,
                    min_value=low,
                    max_value=high,
                    strict_min=strict_min,
                    strict_max=strict_max,
                ),
            )
        )
    if "minLength" in options or "maxLength" in options:
        plan.append(
            Planned(
                f"length of {name} in [{options.get('minLength', 0)}, "
                f"{_bound(options.get('maxLength'))}]",
                gxe.ExpectColumnValueLengthsToBeBetween(
                    column=name,
                    min_value=options.get("minLength"),
                    max_value=options.get("maxLength"),
                ),
            )
        )
    return plan


def _bound(value: Any) -> str:
    return "∞" if value is None else f"{value}"


def _rule_plan(gxe, rule: QualityRule) -> Planned | None:
    judged = {
        "severity": rule.severity,
        "operator": rule.operator,
        "threshold": rule.threshold,
        "unit": rule.unit,
    }
    target = f"{rule.column}: " if rule.column else ""
    if rule.type == "custom" and rule.engine == "greatExpectations":
        return Planned(
            rule.name, _custom_expectation(gxe, rule), severity=rule.severity, by_count=False
        )
    if rule.type != "library":
        return None  # sql and vigia rules run in polars (data_contracts.polars_rules)
    column, args = rule.column, rule.arguments
    operator = f"{_OPS[rule.operator]} {rule.threshold}{'%' if rule.unit == 'percent' else ''}"
    if rule.metric == "rowCount":
        return Planned(
            f"row count {operator}",
            gxe.ExpectTableRowCountToBeBetween(min_value=0),
            metric="rowCount",
            **judged,
        )
    if rule.metric == "duplicateValues" and column is None:
        columns = list(args.get("properties", []))
        return Planned(
            f"duplicates of ({', '.join(columns)}) {operator}",
            gxe.ExpectCompoundColumnsToBeUnique(column_list=columns),
            **judged,
        )
    if column is None:
        raise ContractError(f"{rule.name}: metric {rule.metric} needs a column")
    if rule.metric == "nullValues":
        expectation = gxe.ExpectColumnValuesToNotBeNull(column=column)
    elif rule.metric == "duplicateValues":
        expectation = gxe.ExpectColumnValuesToBeUnique(column=column)
    elif rule.metric == "missingValues":
        missing = [v for v in args.get("missingValues", ["", "N/A"]) if v is not None]
        expectation = gxe.ExpectColumnValuesToNotBeInSet(column=column, value_set=missing)
    elif rule.metric == "invalidValues" and "validValues" in args:
        expectation = gxe.ExpectColumnValuesToBeInSet(
            column=column, value_set=list(args["validValues"])
        )
        return Planned(
            f"{column} in {{{', '.join(map(str, args['validValues']))}}}", expectation, **judged
        )
    elif rule.metric == "invalidValues" and "pattern" in args:
        expectation = gxe.ExpectColumnValuesToMatchRegex(column=column, regex=args["pattern"])
        return Planned(f"{column} matches {args['pattern']}", expectation, **judged)
    else:
        raise ContractError(
            f"{rule.name}: metric {rule.metric!r} with arguments {sorted(args)} is not supported"
        )
    return Planned(f"{target}{rule.metric} {operator}", expectation, **judged)


_OPS = {
    "mustBe": "=",
    "mustNotBe": "!=",
    "mustBeGreaterThan": ">",
    "mustBeGreaterOrEqualTo": ">=",
    "mustBeLessThan": "<",
    "mustBeLessOrEqualTo": "<=",
    "mustBeBetween": "in",
    "mustNotBeBetween": "not in",
}


def _custom_expectation(gxe, rule: QualityRule):
    spec = yaml.safe_load(rule.implementation or "") or {}
    kind = str(spec.get("type", ""))
    class_name = "".join(part.capitalize() for part in kind.split("_"))
    expectation = getattr(gxe, class_name, None)
    if not kind or expectation is None:
        raise ContractError(
            f"{rule.name}: implementation type {kind!r} is not a Great "
            "Expectations expectation (e.g. expect_column_values_to_be_unique)"
        )
    return expectation(**spec.get("kwargs", {}))


def passes(value: float, operator: str, threshold: Any) -> bool:
    """ODCS operator semantics (``mustBeBetween`` is exclusive, as the standard says)."""
    if operator == "mustBeBetween":
        return threshold[0] < value < threshold[1]
    if operator == "mustNotBeBetween":
        return not threshold[0] < value < threshold[1]
    return {
        "mustBe": value == threshold,
        "mustNotBe": value != threshold,
        "mustBeGreaterThan": value > threshold,
        "mustBeGreaterOrEqualTo": value >= threshold,
        "mustBeLessThan": value < threshold,
        "mustBeLessOrEqualTo": value <= threshold,
    }[operator]


def describe_operator(operator: str, threshold: Any, unit: str = "rows") -> str:
    return f"{_OPS[operator]} {threshold}{'%' if unit == 'percent' else ''}"
