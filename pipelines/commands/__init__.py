"""Subcommands of ``vigia``: one module each, with ``register(subparsers)``; found automatically."""

from __future__ import annotations

import argparse
import importlib
import pkgutil


class CliError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2."""


def register_all(subparsers: argparse._SubParsersAction) -> None:
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}").register(subparsers)
