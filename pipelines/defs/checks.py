"""Shared glue: turn a table rule result into a Dagster check result."""

import dagster as dg

from pipelines.quality.table_rules import RuleResult


def to_check(*results: RuleResult) -> dg.AssetCheckResult:
    failed = [r for r in results if not r.passed]
    return dg.AssetCheckResult(
        passed=not failed,
        description="; ".join(r.description for r in (failed or results)),
        metadata={
            "failing_rows": sum(r.failing for r in failed),
            "rules": len(results),
            "rules_failed": len(failed),
        },
    )
