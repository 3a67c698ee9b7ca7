"""Contract rules Great Expectations cannot say, run with polars.

- ``type: sql``: a query over ``{object}`` (the table) run by polars' SQL engine. A query that
  returns one number is that metric; a query that returns rows is measured by its row count, and
  the failure sample is taken from the table's key columns in those rows.
- ``type: custom, engine: vigia``, ``implementation`` one of :data:`IMPLEMENTATIONS`:
  ``noPiiInText`` (no e-mail, CPF or phone in clear in a text column), ``manifestBalances``
  (parsed + quarantined = lines, per file), ``matchesManifest`` (rows per file = the manifest's
  count; arguments ``manifestColumn``, ``measure`` rows|lines, optional ``sourceKind``) and
  ``quarantineShare`` (per file, quarantined lines as a share of the file's lines, judged by the
  rule's operator, e.g. ``mustBeLessOrEqualTo: 5, unit: percent``; a file with at most
  ``toleratedLines`` quarantined lines, e.g. one torn last record, passes whatever its size).
- ``logicalTypeOptions.minItems`` on array columns.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from data_contracts.gx_suite import describe_operator, passes
from data_contracts.model import Contract, ContractError, QualityRule
from pipelines import lake
from pipelines.quality import reconciliation, table_rules
from pipelines.quality.table_rules import RuleResult

KEY = "__key__"
MANIFEST = "bronze.ingest_manifest"


def with_key(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """``frame`` plus a ``__key__`` column: the key columns joined with ``|`` (samples)."""
    parts = [pl.col(c).cast(pl.Utf8).fill_null("∅") for c in contract.key if c in frame.columns]
    key = pl.concat_str(parts, separator="|") if parts else pl.int_range(pl.len()).cast(pl.Utf8)
    return frame.with_columns(key.alias(KEY))


def run_polars_rules(
    contract: Contract, frame: pl.DataFrame, base: str | None = None
) -> list[RuleResult]:
    keyed = with_key(frame, contract)
    results = []
    for rule in contract.rules():
        if rule.type == "sql":
            results.append(_sql(contract, keyed, rule))
        elif rule.type == "custom" and rule.engine == "vigia":
            results.append(_custom(contract, keyed, rule, base))
        elif rule.type == "custom" and rule.engine != "greatExpectations":
            raise ContractError(
                f"{contract.path}: {rule.name}: engine {rule.engine!r} is not "
                "supported (use vigia or greatExpectations)"
            )
    for column in contract.columns:
        if (
            column.logical_type == "array"
            and "minItems" in column.options
            and (column.name in keyed.columns)
        ):
            least = column.options["minItems"]
            results.append(
                table_rules.violations(
                    keyed.lazy(),
                    contract.table,
                    f"{column.name} has at least {least} items",
                    pl.col(column.name).is_null() | (pl.col(column.name).list.len() < least),
                    KEY,
                )
            )
    return results


def _with_severity(result: RuleResult, rule: QualityRule) -> RuleResult:
    result.severity = rule.severity
    return result


def _sql(contract: Contract, keyed: pl.DataFrame, rule: QualityRule) -> RuleResult:
    query = (rule.query or "").replace("{object}", "t").replace("{property}", rule.column or "")
    try:
        out = pl.SQLContext(frames={"t": keyed}).execute(query, eager=True)
    except Exception as exc:  # polars raises several SQL error types
        raise ContractError(f"{contract.path}: {rule.name}: query failed: {exc}") from exc
    label = rule.name
    scalar = out.shape == (1, 1) and out.dtypes[0].is_numeric()
    value = out.item() if scalar else out.height
    if rule.unit == "percent" and not scalar:
        value = 100 * value / max(keyed.height, 1)
    ok = passes(value or 0, rule.operator, rule.threshold)
    limit = describe_operator(rule.operator, rule.threshold, rule.unit)
    judged = (
        f"{value:g} (must be {limit})"
        if scalar
        else (f"{out.height} failing rows (must be {limit})")
    )
    sample = [] if scalar or KEY not in out.columns else out[KEY].head(5).to_list()
    if ok:
        return _with_severity(RuleResult(True, f"{contract.table}: {label}: ok"), rule)
    text = f"{contract.table}: {label}: {judged}" + (
        f", e.g. {', '.join(sample)}" if sample else ""
    )
    return _with_severity(
        RuleResult(False, text, int(out.height if not scalar else 1), sample), rule
    )


def _custom(
    contract: Contract, keyed: pl.DataFrame, rule: QualityRule, base: str | None
) -> RuleResult:
    run = IMPLEMENTATIONS.get(rule.implementation or "")
    if run is None:
        raise ContractError(
            f"{contract.path}: {rule.name}: implementation "
            f"{rule.implementation!r} is not one of {', '.join(IMPLEMENTATIONS)}"
        )
    return _with_severity(run(contract, keyed, rule, base), rule)


def _no_pii(contract, keyed, rule, base) -> RuleResult:
    if rule.column is None:
        raise ContractError(f"{contract.path}: {rule.name}: noPiiInText belongs on a column")
    return table_rules.no_pii(keyed.lazy(), contract.table, [rule.column], KEY)


def _manifest(base: str | None, kind: str | None) -> pl.LazyFrame:
    manifest = lake.scan_table(MANIFEST, base)
    return manifest if kind is None else manifest.filter(pl.col("source_kind") == kind)


def _manifest_balances(contract, keyed, rule, base) -> RuleResult:
    return reconciliation.manifest_balances(keyed.lazy())


def _matches_manifest(contract, keyed, rule, base) -> RuleResult:
    args = rule.arguments
    measure = pl.col("line_count").sum() if args.get("measure") == "lines" else pl.len()
    if not lake.table_exists(MANIFEST, base):
        return RuleResult(keyed.is_empty(), f"{contract.table}: {MANIFEST} is missing")
    return reconciliation.table_matches_manifest(
        contract.table,
        keyed.lazy(),
        _manifest(base, args.get("sourceKind")),
        args["manifestColumn"],
        measure,
    )


def _quarantine_share(contract, keyed, rule, base) -> RuleResult:
    share = 100 * pl.col("quarantined_lines") / pl.max_horizontal(pl.col("total_lines"), 1)
    if rule.unit != "percent":
        share = pl.col("quarantined_lines")
    tolerated = int(rule.arguments.get("toleratedLines", 0))
    files = keyed.filter(pl.col("quarantined_lines") > tolerated)
    files = files.select("file_sha256", share.alias("share"))
    failing = files.filter(
        ~pl.col("share").map_elements(
            lambda v: passes(v, rule.operator, rule.threshold), return_dtype=pl.Boolean
        )
    )
    limit = describe_operator(rule.operator, rule.threshold, rule.unit)
    name = f"{contract.table}: quarantined share of each file {limit}"
    if failing.is_empty():
        return RuleResult(True, f"{name}: ok")
    sample = failing["file_sha256"].head(5).to_list()
    worst = failing["share"].max()
    return RuleResult(
        False,
        f"{name}: {failing.height} files over (worst {worst:.1f}), e.g. sha256 {', '.join(sample)}",
        failing.height,
        sample,
    )


IMPLEMENTATIONS: dict[str, Callable[..., RuleResult]] = {
    "noPiiInText": _no_pii,
    "manifestBalances": _manifest_balances,
    "matchesManifest": _matches_manifest,
    "quarantineShare": _quarantine_share,
}
