"""The analysts' data dictionary, in Markdown, written from the contracts (never by hand)."""

from __future__ import annotations

from collections.abc import Iterable

from data_contracts.model import Contract

HEADER = (
    "# Vigia data dictionary\n\n"
    "Generated from `data_contracts/*.odcs.yaml` by `vigia contracts docs`; do not edit by hand.\n"
    "Classification: **pii** = personal data in clear (bronze only, never for analysts), "
    "**pseudonymous** = keyed tokens or redacted text (re-identification only through the "
    "vault, with a logged reason), **public** = no personal data.\n"
)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _days(days: float | None) -> str:
    if days is None:
        return "—"
    if days >= 365 and days % 365 == 0:
        years = int(days // 365)
        return f"{years} year{'s' * (years != 1)}"
    return f"{days:g} days"


def _constraints(column) -> str:
    notes = []
    if column.primary_key:
        notes.append("key")
    if column.required and not column.primary_key:
        notes.append("required")
    if column.unique:
        notes.append("unique")
    if column.partitioned:
        notes.append("partition")
    if "pattern" in column.options:
        notes.append(f"`{column.options['pattern']}`")
    for rule in column.quality:
        if "validValues" in rule.arguments:
            notes.append("one of " + ", ".join(f"`{v}`" for v in rule.arguments["validValues"]))
        if rule.implementation == "noPiiInText":
            notes.append("no PII in clear")
    return "; ".join(notes)


def table_section(contract: Contract) -> str:
    retention = _days(contract.retention_days)
    if contract.retention_element:
        retention += f" after `{contract.retention_element}`"
    freshness = (
        f"newest `{contract.freshness_element}` at most {contract.freshness_hours:g} h old"
        if contract.freshness_hours
        else "—"
    )
    lines = [
        f"## `{contract.table}`\n",
        _cell(contract.purpose) + "\n",
        f"- **Owner:** {contract.owner} · **status:** {contract.status} · "
        f"**contract:** `{contract.path.name}` v{contract.version}",
        f"- **Grain:** {_cell(contract.granularity or '—')}",
        f"- **Use:** {_cell(contract.usage or '—')}",
        f"- **Limitations:** {_cell(contract.limitations or '—')}",
        f"- **Retention:** {retention} · **freshness:** {freshness}",
        "",
        "| column | type | classification | description | constraints |",
        "|---|---|---|---|---|",
    ]
    for c in contract.columns:
        lines.append(
            f"| `{c.name}` | {c.logical_type} ({c.physical_type}) | {c.classification} "
            f"| {_cell(c.description)} | {_cell(_constraints(c))} |"
        )
    rules = [r for r in contract.quality if r.metric != "rowCount"]
    if rules:
        lines += [
            "",
            "Table rules: " + "; ".join(_cell(r.description or r.name) for r in rules) + ".",
        ]
    return "\n".join(lines) + "\n"


def render(contracts: Iterable[Contract]) -> str:
    ordered = sorted(
        contracts,
        key=lambda c: (
            ("bronze", "silver", "gold", "audit", "vault").index(c.layer)
            if c.layer in ("bronze", "silver", "gold", "audit", "vault")
            else 9,
            c.table,
        ),
    )
    index = "\n".join(
        f"- [`{c.table}`](#{c.table.replace('.', '')}) — {_cell(c.granularity)}" for c in ordered
    )
    return HEADER + "\n" + index + "\n\n" + "\n".join(table_section(c) for c in ordered)
