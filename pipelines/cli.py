"""The ``vigia`` command: generate demo data, run the pipeline, serve the dashboards.

Errors are printed for people (what, where, what to do) and exit non-zero; no tracebacks.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pipelines.settings import Settings

DEMO_MARKER = ".vigia-demo"
ROOT = Path(__file__).resolve().parent.parent


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _cmd_generate(args: argparse.Namespace) -> int:
    from pipelines.synthetic.law_firm import generate

    summary = generate(
        Path(args.out),
        days=args.days,
        employees=args.employees,
        clients=args.clients,
        seed=args.seed,
        end=args.end,
    )
    print(
        f"demo data written to {Path(args.out) / 'landing'} "
        f"(ground truth in {Path(args.out) / 'ground_truth'})"
    )
    for key, value in summary.items():
        if isinstance(value, int | float | str):
            print(f"  {key}: {value}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from pipelines.definitions import build_defs
    from pipelines.runner import run_pipeline
    from pipelines.summary import print_summary

    settings = Settings.from_env()
    if not settings.landing_dir.is_dir():
        raise CliError(
            f"landing folder {settings.landing_dir} does not exist; set "
            "VIGIA_LANDING_DIR or run `vigia generate --out .` first"
        )
    result = run_pipeline(build_defs(settings), settings.lakehouse_uri)
    print_summary(settings.lakehouse_uri, result)
    return 0 if result.success else 1


def _cmd_demo(args: argparse.Namespace) -> int:
    from pipelines.synthetic.law_firm import generate

    root = Path(os.environ.get("VIGIA_DEMO_DIR", "."))
    landing, lakehouse = root / "landing", Path(os.environ.get("LAKEHOUSE_URI", root / "lakehouse"))
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
    code = _cmd_run(args)
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


def serve(port: int) -> int:
    print(f"\nDashboards: http://127.0.0.1:{port}  (Ctrl+C to stop)")
    print(
        "Dagster UI: in another terminal run `.venv/bin/dagster dev -w workspace.yaml` "
        "and open http://127.0.0.1:3000",
        flush=True,
    )
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboards/streamlit_app.py"),
        "--server.headless",
        "true",
        "--server.address",
        os.environ.get("VIGIA_SERVE_ADDRESS", "127.0.0.1"),
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    return serve(args.port)


def _size_options(parser: argparse.ArgumentParser) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vigia", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="write synthetic demo data for a fictional law firm")
    gen.add_argument("--out", required=True, help="folder for landing/ and ground_truth/")
    _size_options(gen)
    gen.set_defaults(func=_cmd_generate)

    run = commands.add_parser("run", help="ingest new landing files and build silver and gold")
    run.set_defaults(func=_cmd_run)

    demo = commands.add_parser("demo", help="generate demo data, run everything, serve dashboards")
    _size_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="stop after the pipeline run")
    demo.add_argument("--port", type=int, default=8501)
    demo.set_defaults(func=_cmd_demo)

    serve_cmd = commands.add_parser("serve", help="serve the Streamlit dashboards")
    serve_cmd.add_argument("--port", type=int, default=8501)
    serve_cmd.set_defaults(func=_cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"vigia: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
