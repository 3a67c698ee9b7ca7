"""Data contracts: one ODCS v3.1 YAML file per Delta table (``<layer>.<table>.odcs.yaml``).

The contracts are the single source of truth for each table's schema, classification, quality
rules and retention. This package loads and checks them (:mod:`.registry`, :mod:`.model`),
compiles them to Great Expectations suites (:mod:`.gx_suite`), validates data against them
(:mod:`.validation`) and writes the analysts' data dictionary (:mod:`.dictionary`).
It is plain Python: the Dagster checks in ``pipelines/defs`` and the ``vigia contracts``
command call it.
"""

from data_contracts.model import Column, Contract, ContractError, QualityRule
from data_contracts.registry import CONTRACTS_DIR, contract_for, load_contract, load_contracts

__all__ = [
    "CONTRACTS_DIR",
    "Column",
    "Contract",
    "ContractError",
    "QualityRule",
    "contract_for",
    "load_contract",
    "load_contracts",
]
