"""Asset checks generated from the data contracts, one per table asset that has a contract.

Every asset under ``pipelines/defs`` is found by walking the package (no hand-kept list), so a
new table needs only its ``data_contracts/<layer>.<table>.odcs.yaml``. Checks on bronze and silver
are blocking. Partitioned assets get a partitioned check that validates the partition range the
run wrote; unpartitioned assets (bronze is append-only and reconciled as a whole) are validated
whole. ``to_check`` turns plain rule results into a check result for hand-written checks.
"""

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from datetime import date

import dagster as dg
import polars as pl

import pipelines.defs
from data_contracts import contract_for
from data_contracts.model import Contract
from pipelines.analytics.weeks import weeks_between
from pipelines.defs.partitions import date_span
from pipelines.defs.resources import LakehouseResource, in_dates
from pipelines.quality.table_rules import RuleResult

BLOCKING_LAYERS = ("bronze", "silver")
SHOWN_FAILURES = 8


def to_check(*results: RuleResult, metadata: dict | None = None) -> dg.AssetCheckResult:
    """One check result from rule results: failed if any error-severity rule failed (severity
    ERROR), or only warnings failed (severity WARN); the description lists the failures."""
    failed = [r for r in results if not r.passed]
    errors = [r for r in failed if r.severity == "error"]
    shown = errors + [r for r in failed if r not in errors]
    description = "; ".join(r.description for r in shown[:SHOWN_FAILURES])
    if len(shown) > SHOWN_FAILURES:
        description += f"; and {len(shown) - SHOWN_FAILURES} more failing rules"
    if not failed:
        description = f"all {len(results)} rules passed"
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR
        if errors or not failed
        else dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "failing_rows": sum(r.failing for r in failed),
            "rules": len(results),
            "rules_failed": len(failed),
            **(metadata or {}),
        },
    )


def contract_check(
    key: dg.AssetKey, partitions_def: dg.PartitionsDefinition | None = None
) -> dg.AssetChecksDefinition:
    """The check of the asset ``key`` (``<layer>/<table>``) against its contract."""
    table = ".".join(key.path)
    contract = contract_for(table)
    if contract is None:
        raise ValueError(f"no contract for {table}: add data_contracts/{table}.odcs.yaml")

    @dg.asset_check(
        asset=key,
        name="contract",
        blocking=key.path[0] in BLOCKING_LAYERS,
        partitions_def=partitions_def,
        description=f"Rows of {table} obey {contract.path.name} (v{contract.version}).",
    )
    def _check(
        context: dg.AssetCheckExecutionContext, lakehouse: LakehouseResource
    ) -> dg.AssetCheckResult:
        from data_contracts.validation import validate_table

        where, scope = None, "whole table"
        if partitions_def is not None and context.has_partition_key_range:
            where, scope = run_rows(contract, *date_span(context))
        report = validate_table(contract_for(table), lakehouse.uri, where=where)
        context.log.info(
            f"{table}: {report.rows} rows ({scope}), {len(report.errors)} errors, "
            f"{len(report.warnings)} warnings"
        )
        return to_check(
            *report.results,
            metadata={
                "rows_validated": report.rows,
                "scope": scope,
                "contract": f"{contract.path.name} v{contract.version}",
            },
        )

    return _check


def run_rows(contract: Contract, first: str, last: str) -> tuple[pl.Expr, str]:
    """The rows a run over event dates ``first..last`` wrote: those dates, or for a table
    partitioned by ISO week (``week_start``) the weeks those dates touch."""
    if [c.name for c in contract.columns if c.partitioned] == ["week_start"]:
        weeks = weeks_between(date.fromisoformat(first), date.fromisoformat(last))
        where = pl.col("week_start").is_between(weeks[0], weeks[-1])
        return where, f"week_start {weeks[0]} .. {weeks[-1]}"
    return in_dates(first, last), f"event_date {first} .. {last}"


def _asset_defs() -> Iterator[dg.AssetsDefinition]:
    """Every asset definition in the modules under ``pipelines/defs`` (checks modules skipped)."""
    for info in pkgutil.walk_packages(pipelines.defs.__path__, f"{pipelines.defs.__name__}."):
        if info.ispkg or info.name == __name__ or info.name.endswith(".checks"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, dg.AssetsDefinition):
                yield value


def contract_checks(assets: Iterable[dg.AssetsDefinition]) -> list[dg.AssetChecksDefinition]:
    """A contract check for every asset key that has a contract (by ``<layer>.<table>``)."""
    checks, seen = [], set()
    for asset in assets:
        for key in asset.keys:
            table = ".".join(key.path)
            if key in seen or len(key.path) != 2 or contract_for(table) is None:
                continue
            seen.add(key)
            partitions = asset.specs_by_key[key].partitions_def
            checks.append(contract_check(key, partitions))
    return checks


checks = contract_checks(_asset_defs())
