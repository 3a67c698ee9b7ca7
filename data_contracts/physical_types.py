"""Contract ``physicalType`` names (Delta Lake's type names) and the schema comparison.

Physical types are Delta's own names (``string``, ``long``, ``integer``, ``byte``, ``double``,
``boolean``, ``date``, ``timestamp`` — UTC-adjusted —, ``array<string>``, ``binary``), so a
contract reads like the table's Delta schema and any Delta reader (Spark, Trino, DuckDB) agrees
with it. ODCS has no binary logical type: a ``binary`` column is ``logicalType: string``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import polars as pl

from data_contracts.model import Contract

_POLARS = {
    pl.Utf8: "string",
    pl.Int64: "long",
    pl.Int32: "integer",
    pl.Int16: "short",
    pl.Int8: "byte",
    pl.Float64: "double",
    pl.Float32: "float",
    pl.Boolean: "boolean",
    pl.Date: "date",
    pl.Binary: "binary",
}
LOGICAL = {
    "string": "string",
    "long": "integer",
    "integer": "integer",
    "short": "integer",
    "byte": "integer",
    "double": "number",
    "float": "number",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp_ntz": "timestamp",
    "binary": "string",
}


def polars_type_name(dtype: pl.DataType) -> str:
    """The Delta type name a polars dtype is written as."""
    if isinstance(dtype, pl.Datetime):
        return "timestamp" if dtype.time_zone else "timestamp_ntz"
    if isinstance(dtype, pl.List | pl.Array):
        return f"array<{polars_type_name(dtype.inner)}>"
    for known, name in _POLARS.items():
        if dtype == known:
            return name
    return str(dtype).lower()


def polars_schema(schema: Mapping[str, pl.DataType]) -> dict[str, str]:
    return {name: polars_type_name(dtype) for name, dtype in schema.items()}


def delta_type_name(field_type: object) -> str:
    """A Delta schema JSON type (``"long"`` or ``{"type": "array", ...}``) as a type name."""
    if isinstance(field_type, str):
        return field_type
    if isinstance(field_type, dict) and field_type.get("type") == "array":
        return f"array<{delta_type_name(field_type['elementType'])}>"
    if isinstance(field_type, dict):
        return str(field_type.get("type"))
    return str(field_type)


def delta_schema(delta_table) -> dict[str, str]:
    """Column -> Delta type name, from a ``deltalake.DeltaTable``."""
    fields = json.loads(delta_table.schema().to_json())["fields"]
    return {f["name"]: delta_type_name(f["type"]) for f in fields}


def logical_type_of(physical: str) -> str:
    return "array" if physical.startswith("array<") else LOGICAL.get(physical, physical)


def schema_differences(
    contract: Contract, actual: Mapping[str, str], partition_columns: list[str] | None = None
) -> list[str]:
    """What differs between the contract and a table's schema (column -> Delta type name).

    Each entry names the column and says which side to change; empty means they match.
    """
    problems = []
    declared = {c.name: c for c in contract.columns}
    for name, column in declared.items():
        if name not in actual:
            problems.append(f"{name}: in the contract, not in the table")
        elif actual[name] != column.physical_type:
            problems.append(
                f"{name}: contract says {column.physical_type}, table has {actual[name]}"
            )
        if logical_type_of(column.physical_type) != column.logical_type:
            problems.append(
                f"{name}: logicalType {column.logical_type} does not fit physicalType "
                f"{column.physical_type} (expected {logical_type_of(column.physical_type)})"
            )
    problems += [
        f"{name}: in the table, not in the contract" for name in actual if name not in declared
    ]
    if partition_columns is not None:
        expected = [c.name for c in contract.columns if c.partitioned]
        if list(partition_columns) != expected:
            problems.append(
                f"partition columns: contract says {expected or 'none'}, "
                f"table has {list(partition_columns) or 'none'}"
            )
    return problems
