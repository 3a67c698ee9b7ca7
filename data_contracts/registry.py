"""Find and load the contract files: ``data_contracts/<layer>.<table>.odcs.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from data_contracts.model import Contract, ContractError, parse_contract

CONTRACTS_DIR = Path(__file__).resolve().parent
SUFFIX = ".odcs.yaml"


def load_contract(path: Path) -> Contract:
    """Parse one contract file; a :class:`ContractError` names the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", exc)
        raise ContractError(f"{path}:{line}: not valid YAML ({problem})") from None
    return parse_contract(path, data)


@cache
def _load_dir(directory: Path) -> dict[str, Contract]:
    contracts = {}
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        contract = load_contract(path)
        contracts[contract.table] = contract
    return contracts


def load_contracts(directory: Path | None = None) -> dict[str, Contract]:
    """Every contract in ``directory`` (default: this package), by table name."""
    return dict(_load_dir((directory or CONTRACTS_DIR).resolve()))


def contract_for(table: str, directory: Path | None = None) -> Contract | None:
    return load_contracts(directory).get(table)
