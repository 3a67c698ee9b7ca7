"""vigia serve: the Streamlit dashboards, on 127.0.0.1 unless VIGIA_SERVE_ADDRESS says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "dashboards" / "streamlit_app.py"


def register(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="serve the Streamlit dashboards")
    parser.add_argument("--port", type=int, default=8501)
    parser.set_defaults(func=lambda args: serve(args.port))


def serve(port: int) -> int:
    print(f"\nDashboards: http://127.0.0.1:{port}  (Ctrl+C to stop)")
    print(
        "Dagster UI: in another terminal run `make dagster` "
        "(dagster dev -w workspace.yaml) and open http://127.0.0.1:3000",
        flush=True,
    )
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
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
