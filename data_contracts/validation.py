"""Validate data against its contract: schema, the compiled Great Expectations suite, polars rules.

Every result is a :class:`~pipelines.quality.table_rules.RuleResult` whose description names the
table, the rule, the failing count and a sample of the failing rows' *key* values (the contract's
primary key, never classified pii), never the offending values themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import count

import polars as pl

from data_contracts.gx_suite import Planned, compile_contract, describe_operator, passes
from data_contracts.model import Contract
from data_contracts.physical_types import delta_schema, polars_schema, schema_differences
from data_contracts.polars_rules import run_polars_rules
from pipelines import lake
from pipelines.quality.table_rules import RuleResult

SAMPLE = 5
_names = count()


@dataclass
class ContractReport:
    table: str
    rows: int
    results: list[RuleResult] = field(default_factory=list)

    @property
    def errors(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed and r.severity == "error"]

    @property
    def warnings(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed and r.severity != "error"]

    @property
    def passed(self) -> bool:
        return not self.errors


def validate_frame(
    contract: Contract,
    frame: pl.DataFrame,
    *,
    base: str | None = None,
    now: datetime | None = None,
    actual_schema: dict[str, str] | None = None,
    partition_columns: list[str] | None = None,
) -> ContractReport:
    """Check ``frame`` (rows of ``contract.table``) against every rule of the contract.

    ``base`` is the lakehouse URI for rules that read another table (the ingest manifest);
    ``actual_schema`` (column -> Delta type) defaults to the frame's own schema.
    """
    report = ContractReport(contract.table, frame.height)
    diffs = schema_differences(
        contract, actual_schema or polars_schema(frame.schema), partition_columns
    )
    report.results.append(
        RuleResult(
            not diffs,
            f"{contract.table}: schema matches the contract: "
            + ("ok" if not diffs else f"{len(diffs)} differences: {'; '.join(diffs)}"),
            len(diffs),
        )
    )
    report.results += run_suite(contract, frame, now)
    report.results += run_polars_rules(contract, frame, base)
    return report


def validate_table(
    contract: Contract,
    base: str | None = None,
    *,
    where: pl.Expr | None = None,
    now: datetime | None = None,
) -> ContractReport:
    """Validate the stored table (optionally only the rows matching ``where``)."""
    if not lake.table_exists(contract.table, base):
        return ContractReport(
            contract.table,
            0,
            [
                RuleResult(
                    False,
                    f"{contract.table}: table does not exist under the lakehouse; materialize "
                    "its asset (or run `vigia run`) first",
                    1,
                )
            ],
        )
    table = lake.delta_table(contract.table, base)
    scan = lake.scan_table(contract.table, base)
    frame = (scan.filter(where) if where is not None else scan).collect()
    return validate_frame(
        contract,
        frame,
        base=base,
        now=now,
        actual_schema=delta_schema(table),
        partition_columns=list(table.metadata().partition_columns),
    )


def run_suite(
    contract: Contract, frame: pl.DataFrame, now: datetime | None = None
) -> list[RuleResult]:
    """Run the compiled Great Expectations suite on ``frame`` (as a pyarrow-backed pandas frame)."""
    import great_expectations as gx

    plan = [p for p in compile_contract(contract, now) if _columns_of(p) <= set(frame.columns)]
    context = _context()
    name = f"{contract.table}-{next(_names)}"
    batch = (
        context.data_sources.add_pandas(name)
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe(name)
        .get_batch(
            batch_parameters={"dataframe": frame.to_pandas(use_pyarrow_extension_array=True)}
        )
    )
    suite = context.suites.add(
        gx.ExpectationSuite(name=name, expectations=[p.expectation for p in plan])
    )
    key = [c for c in contract.key if c in frame.columns]
    outcome = batch.validate(
        suite,
        result_format={
            "result_format": "SUMMARY",
            "partial_unexpected_count": SAMPLE,
            "unexpected_index_column_names": key,
        },
    )
    context.suites.delete(name)
    context.data_sources.delete(name)
    by_id = {r.expectation_config.id: r for r in outcome.results}
    return [
        _judge(contract.table, p, by_id[s.id], key)
        for p, s in zip(plan, suite.expectations, strict=True)
    ]


@cache
def _context():
    """One ephemeral Great Expectations context per process, without progress bars."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _columns_of(planned: Planned) -> set[str]:
    """Columns an expectation reads (a missing column is reported once, by the schema rule)."""
    kwargs = planned.expectation.configuration.kwargs
    names = [kwargs.get(k) for k in ("column", "column_A", "column_B")]
    return {n for n in [*names, *(kwargs.get("column_list") or [])] if n}


def _judge(table: str, planned: Planned, result, key: list[str]) -> RuleResult:
    where = f"{table}: {planned.rule}"
    info = result.exception_info or {}
    if info.get("raised_exception"):
        problem = str(info.get("exception_message", "error"))[:200]
        return RuleResult(
            False, f"{where}: could not be evaluated ({problem})", 0, [], planned.severity
        )
    data = result.result or {}
    if planned.metric == "rowCount":
        value = data.get("observed_value") or 0
        ok = passes(value, planned.operator, planned.threshold)
        limit = describe_operator(planned.operator, planned.threshold)
        text = f"{where}: ok ({value})" if ok else f"{where}: {value} rows (must be {limit})"
        return RuleResult(ok, text, 0 if ok else 1, [], planned.severity)
    if not planned.by_count:
        if result.success:
            return RuleResult(True, f"{where}: ok", 0, [], planned.severity)
        return RuleResult(False, f"{where}: {_observed(data)}", 1, [], planned.severity)
    failing = int(data.get("unexpected_count") or 0)
    value = float(data.get("unexpected_percent") or 0) if planned.unit == "percent" else failing
    if passes(value, planned.operator, planned.threshold):
        return RuleResult(True, f"{where}: ok", 0, [], planned.severity)
    sample = [
        "|".join("∅" if row.get(k) is None else str(row.get(k)) for k in key)
        for row in (data.get("partial_unexpected_index_list") or [])[:SAMPLE]
        if isinstance(row, dict)
    ]
    limit = describe_operator(planned.operator, planned.threshold, planned.unit)
    shown = f", e.g. {', '.join(sample)}" if sample else ""
    return RuleResult(
        False,
        f"{where}: {failing} failing rows (must be {limit}){shown}",
        failing,
        sample,
        planned.severity,
    )


def _observed(data: dict) -> str:
    """What a table-level expectation saw: column names, a type name or a timestamp."""
    details = data.get("details") or {}
    mismatched = details.get("mismatched") if isinstance(details, dict) else None
    if mismatched:
        return "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in mismatched.items() if v)
    observed = data.get("observed_value")
    return f"observed {observed}" if observed is not None else "failed (no value: empty table?)"
