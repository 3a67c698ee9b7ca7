"""The dashboards in a real browser: `streamlit run` on a temporary gold lakehouse, driven by
Debian's Chromium through Playwright. Writes a screenshot (also to $VIGIA_SCREENSHOT_DIR if set)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_dashboards.gold_lake import CURRENT, expected_overview, write_gold

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "dashboards" / "streamlit_app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
START_TIMEOUT_S = 90
UI_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"streamlit did not answer /_stcore/health in {START_TIMEOUT_S} s:\n"
                f"{log.read_text()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop the server and everything it started (its own process group)."""
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def gold(tmp_path):
    return write_gold(tmp_path / "lakehouse")


@pytest.fixture
def dashboard_url(tmp_path, gold) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "streamlit.log"
    env = {**os.environ, "LAKEHOUSE_URI": str(tmp_path / "lakehouse"),
           "VIGIA_TIMEZONE": "America/Sao_Paulo"}
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_health(url, process, log)
        yield url
    finally:
        stop(process)


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        message = (f"{CHROMIUM} not found: `make browser` installs Debian's chromium "
                   "(Playwright cannot download browsers here)")
        if os.environ.get("VIGIA_SKIP_BROWSER") == "1":
            pytest.skip(message)
        pytest.fail(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser.new_page(viewport={"width": 1600, "height": 1100})
        finally:
            browser.close()


def save_screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    if target := os.environ.get("VIGIA_SCREENSHOT_DIR"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)
    return path


def test_overview_shows_the_lakehouse_numbers_and_a_chart(
    dashboard_url, browser_page, gold, tmp_path
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(dashboard_url)
    metrics = page.get_by_test_id("stMetric")
    expect(metrics).to_have_count(5, timeout=UI_TIMEOUT_MS)

    expected = expected_overview(gold, CURRENT)
    shown = {
        metric.get_by_test_id("stMetricLabel").inner_text().strip():
            metric.get_by_test_id("stMetricValue").inner_text().strip()
        for metric in metrics.all()
    }
    assert shown == {
        "Messages": f"{expected['messages']:,}",
        "Calls": f"{expected['calls']:,}",
        "Counterparts": f"{expected['counterparts']:,}",
        "Flagged messages": f"{expected['flagged']:,}",
        "After-hours contacts": f"{expected['after_hours_share']:.1%}",
    }

    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=UI_TIMEOUT_MS)
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    expect(page.get_by_test_id("stDataFrame").locator("canvas").first).to_be_visible(
        timeout=UI_TIMEOUT_MS)
    page.wait_for_timeout(1000)  # let chart and table finish drawing before the screenshot

    screenshot = save_screenshot(page, tmp_path, "overview.png")
    assert screenshot.stat().st_size > 10_000


def test_team_filter_and_every_page(dashboard_url, browser_page, gold, tmp_path) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(dashboard_url)
    messages = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text("Messages", exact=True))
    expect(messages).to_have_count(1, timeout=UI_TIMEOUT_MS)

    team = "Tributario"
    page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").click()
    page.get_by_role("option", name=team).click()
    page.keyboard.press("Escape")
    only_team = expected_overview(gold, CURRENT, {team})["messages"]
    expect(messages.get_by_test_id("stMetricValue")).to_have_text(
        f"{only_team:,}", timeout=UI_TIMEOUT_MS)

    for title, name in [("Contact frequency", "contact_frequency"),
                        ("Contact timing", "contact_timing"),
                        ("Flagged messages", "flagged_messages")]:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", name=title, level=1)).to_be_visible(
            timeout=UI_TIMEOUT_MS)
        expect(page.get_by_test_id("stVegaLiteChart").first.locator("canvas, svg").first
               ).to_be_visible(timeout=UI_TIMEOUT_MS)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        page.wait_for_timeout(1000)
        save_screenshot(page, tmp_path, f"{name}.png")
    # the team filter is still applied on the last page
    expect(page.get_by_test_id("stSidebar").get_by_text(team)).to_be_visible()
