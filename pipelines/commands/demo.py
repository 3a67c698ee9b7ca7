"""vigia demo: generate the demo firm, run the whole pipeline, serve the dashboards."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from pipelines.commands import CliError
from pipelines.commands import run as run_command
from pipelines.commands.generate import size_options
from pipelines.commands.serve import serve

DEMO_MARKER = ".vigia-demo"


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="generate demo data, run everything, serve")
    size_options(parser)
    parser.add_argument("--no-serve", action="store_true", help="stop after the pipeline run")
    parser.add_argument("--port", type=int, default=8501)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.synthetic.law_firm import generate

    root = Path(os.environ.get("VIGIA_DEMO_DIR", "."))
    landing = root / "landing"
    lakehouse = Path(os.environ.get("LAKEHOUSE_URI", root / "lakehouse"))
    for folder in (landing, lakehouse):
        _reset_demo_folder(folder)
    print(
        f"generating demo data ({args.days} days, {args.employees} employees, "
        f"{args.clients} clients, seed {args.seed}) ...",
        flush=True,
    )
    generate(
        root,
        days=args.days,
        employees=args.employees,
        clients=args.clients,
        seed=args.seed,
        end=args.end,
    )
    for folder in (landing, lakehouse):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / DEMO_MARKER).write_text("created by `vigia demo`; safe to delete\n")
    os.environ["VIGIA_LANDING_DIR"] = str(landing)
    os.environ.setdefault("LAKEHOUSE_URI", str(lakehouse))
    print("running the pipeline (bronze -> silver -> gold) ...", flush=True)
    code = run_command.run(args)
    if code != 0 or args.no_serve:
        return code
    return serve(args.port)


def _reset_demo_folder(folder: Path) -> None:
    """Remove a folder from an earlier demo — only if the demo created it."""
    if folder.exists() and (folder / DEMO_MARKER).exists():
        shutil.rmtree(folder)
    elif folder.exists() and any(folder.iterdir()):
        raise CliError(
            f"{folder} exists and was not created by `vigia demo`; move it away or "
            "set VIGIA_DEMO_DIR to an empty folder"
        )
