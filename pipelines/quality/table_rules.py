"""Table quality rules as plain polars functions; Dagster checks and the CLI call these.

Each returns a :class:`RuleResult` whose description names the table, the rule, the failing
count and a sample of failing *pseudonymous* values (ids or tokens, never content).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

# Placeholders and tokens are removed before scanning so that their hex digits never look like PII.
_PLACEHOLDER = r"\[[A-Z_]+ [A-Z]-[0-9a-f]{12,16}\]|\b[A-Z]-[0-9a-f]{12,16}\b"
PII_PATTERNS = {
    "e-mail": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "CPF": r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b",
    "phone": r"(?:\+\d{1,3}[\s.-]?)?\(?\b\d{2}\)?[\s.-]?9?\s?\d{4}[\s.-]?\d{4}\b",
    "bare 11-digit number": r"\b\d{11}\b",
}


@dataclass
class RuleResult:
    """Outcome of one rule; ``severity`` "warning" reports without blocking."""

    passed: bool
    description: str
    failing: int = 0
    sample: list[str] = field(default_factory=list)
    severity: str = "error"


def _result(table: str, rule: str, failing: pl.DataFrame, id_column: str) -> RuleResult:
    count = failing.height
    sample = [str(v) for v in failing.get_column(id_column).head(5).to_list()] if count else []
    if count == 0:
        return RuleResult(True, f"{table}: {rule}: ok")
    return RuleResult(
        False, f"{table}: {rule}: {count} failing rows, e.g. {', '.join(sample)}", count, sample
    )


def unique(frame: pl.LazyFrame, table: str, columns: list[str]) -> RuleResult:
    dupes = (
        frame.group_by(columns)
        .agg(n=pl.len())
        .filter(pl.col("n") > 1)
        .select(key=pl.concat_str([pl.col(c).cast(pl.Utf8) for c in columns], separator="|"))
        .collect()
    )
    return _result(table, f"unique({', '.join(columns)})", dupes, "key")


def violations(
    frame: pl.LazyFrame, table: str, rule: str, failing: pl.Expr, id_column: str
) -> RuleResult:
    """Generic rule: rows where ``failing`` is true break ``rule``."""
    return _result(table, rule, frame.filter(failing).select(id_column).collect(), id_column)


def not_null(frame: pl.LazyFrame, table: str, column: str, id_column: str) -> RuleResult:
    return violations(frame, table, f"{column} is not null", pl.col(column).is_null(), id_column)


def in_range(
    frame: pl.LazyFrame, table: str, column: str, low: float, high: float, id_column: str
) -> RuleResult:
    return violations(
        frame,
        table,
        f"{low} <= {column} <= {high}",
        ~pl.col(column).is_between(low, high),
        id_column,
    )


def matches(
    frame: pl.LazyFrame, table: str, column: str, pattern: str, id_column: str
) -> RuleResult:
    return violations(
        frame,
        table,
        f"{column} matches {pattern}",
        pl.col(column).is_not_null() & ~pl.col(column).str.contains(f"^(?:{pattern})$"),
        id_column,
    )


def no_pii(frame: pl.LazyFrame, table: str, columns: list[str], id_column: str) -> RuleResult:
    """No e-mail, CPF or phone number left in clear in the given text columns."""
    failing = []
    for column in columns:
        cleaned = pl.col(column).str.replace_all(_PLACEHOLDER, " ")
        for kind, pattern in PII_PATTERNS.items():
            hits = frame.filter(cleaned.str.contains(pattern)).select(
                pl.format("{} ({} in {})", pl.col(id_column), pl.lit(kind), pl.lit(column))
            )
            failing.append(hits.collect().to_series().rename("id"))
    found = pl.concat(failing).to_frame() if failing else pl.DataFrame({"id": []})
    return _result(table, "no e-mail, CPF or phone in clear", found, "id")


def equal(table: str, rule: str, left: int, right: int) -> RuleResult:
    if left == right:
        return RuleResult(True, f"{table}: {rule}: ok ({left})")
    return RuleResult(False, f"{table}: {rule}: {left} != {right}", abs(left - right))
