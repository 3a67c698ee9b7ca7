"""vigia generate: synthetic demo data for a fictional Brazilian law firm."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path


def size_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", type=int, default=90, help="days of history (default 90)")
    parser.add_argument("--employees", type=int, default=40, help="employees (default 40)")
    parser.add_argument("--clients", type=int, default=400, help="clients (default 400)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=None,
        help="last day of data, YYYY-MM-DD (default today)",
    )


def register(subparsers) -> None:
    parser = subparsers.add_parser("generate", help="write synthetic demo data (a law firm)")
    parser.add_argument("--out", required=True, help="folder for landing/ and ground_truth/")
    size_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.synthetic.law_firm import generate

    out = Path(args.out)
    summary = generate(
        out,
        days=args.days,
        employees=args.employees,
        clients=args.clients,
        seed=args.seed,
        end=args.end,
    )
    print(f"demo data written to {out / 'landing'} (ground truth in {out / 'ground_truth'})")
    for key, value in summary.items():
        if isinstance(value, int | float | str):
            print(f"  {key}: {value}")
    return 0
