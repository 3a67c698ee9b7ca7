"""The dashboards in a real browser: `streamlit run` on a temporary lakehouse, driven by Debian's
Chromium through Playwright. A manager logs in, sees only their team and applies a filter; a
compliance officer resolves an alert; the DPO opens the access audit; then audit.access_log holds
those actions and gold.alert_reviews the resolution. A screenshot of every page each of them
opens goes to $VIGIA_SCREENSHOT_DIR (default tmp/artifacts/dashboards, not committed)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from dashboards import roles
from pipelines.governance.access_log import read_access_log
from pipelines.governance.alert_reviews import read_reviews
from tests.test_dashboards.gold_lake import (
    CURRENT,
    PASSWORDS,
    PERMISSIONS,
    USERS,
    expected_overview,
    rows_in,
    write_access_file,
    write_gold,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "dashboards" / "streamlit_app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 90
UI_TIMEOUT_MS = 30_000
SCREENSHOTS = Path(
    os.environ.get("VIGIA_SCREENSHOT_DIR") or REPO / "tmp" / "artifacts" / "dashboards"
)


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
    pytest.fail(
        f"streamlit did not answer /_stcore/health in {START_TIMEOUT_S} s:\n"
        f"{log.read_text()[-2000:]}"
    )


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
def lakehouse(tmp_path) -> Path:
    return tmp_path / "lakehouse"


@pytest.fixture
def gold(lakehouse):
    return write_gold(lakehouse)


@pytest.fixture
def dashboard_url(tmp_path, lakehouse, gold) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "streamlit.log"
    env = {
        **os.environ,
        "LAKEHOUSE_URI": str(lakehouse),
        "VIGIA_TIMEZONE": "America/Sao_Paulo",
        "VIGIA_ACCESS_FILE": str(write_access_file(tmp_path / "access.yaml")),
        "VIGIA_DASHBOARD_COOKIE_KEY": "e2e-" + "k" * 40,
        "VIGIA_ENV": "ci",
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for_health(url, process, log)
        yield url
    finally:
        stop(process)


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} not found: `make browser` installs Debian's chromium "
            "(Playwright cannot download browsers here)"
        )
        if os.environ.get("VIGIA_SKIP_BROWSER") == "1":
            pytest.skip(message)
        pytest.fail(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


def log_in(browser, url: str, user: str):
    """A fresh browser session (own cookies) logged in as ``user`` through the login form."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 2000}).new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORDS[user])
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    settle(page)
    return page


def open_page(page, title: str) -> None:
    """Click the page's link; a click that lands while a rerun is still starting can be dropped
    by the browser session, so it is repeated (at most three times) until the page shows."""
    from playwright.sync_api import expect

    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title)
    heading = page.get_by_role("heading", name=title, level=1).first
    for attempt in range(3):
        link.click()
        try:
            expect(heading).to_be_visible(timeout=UI_TIMEOUT_MS // 3)
            break
        except AssertionError:
            if attempt == 2:
                raise
            settle(page)
    settle(page)


def settle(page) -> None:
    """Wait until Streamlit has finished the run (no running indicator, charts drawn)."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).not_to_have_attribute("data-test-script-state", "running")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    for chart in page.get_by_test_id("stVegaLiteChart").all():
        expect(chart.locator("canvas, svg").first).to_be_visible()


def screenshot(page, user: str, title: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    slug = title.lower().replace(" & ", "_").replace(" ", "_").replace("-", "")
    path = SCREENSHOTS / f"{user}_{slug}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def pick(page, label: str, option: str, where=None) -> None:
    """Choose ``option`` in the select box or multiselect labelled ``label``."""
    scope = where or page
    multi = scope.get_by_test_id("stMultiSelect").filter(has_text=label)
    widget = multi if multi.count() else scope.get_by_test_id("stSelectbox").filter(has_text=label)
    widget.first.locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    if multi.count():
        page.keyboard.press("Escape")  # close the multiselect's list (a select box closes itself)


def pages_of(user: str) -> list[str]:
    role = USERS[user][0]
    viewer = roles.Viewer(user, role, frozenset(PERMISSIONS[role]))
    return [spec.title for spec in roles.pages_for(viewer)]


def test_manager_compliance_and_dpo_in_a_real_browser(
    dashboard_url, browser, gold, lakehouse
) -> None:
    from playwright.sync_api import expect

    shot: set[str] = set()

    def visit_all(page, user: str) -> None:
        """Open each of the user's pages not yet photographed, and photograph it."""
        for title in pages_of(user):
            if title not in shot:
                open_page(page, title)
                screenshot(page, user, title)
                shot.add(title)

    # A manager: only her team; a filter that reveals message text.
    page = log_in(browser, dashboard_url, "maria")
    settle(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Maria · manager · Contencioso")).to_be_visible()
    sidebar.get_by_test_id("stMultiSelect").click()
    expect(page.get_by_role("option")).to_have_text(["Contencioso"])  # her only team
    page.keyboard.press("Escape")
    own = expected_overview(gold, CURRENT, {"Contencioso"})
    messages = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text("Messages", exact=True)
    )
    expect(messages.get_by_test_id("stMetricValue")).to_have_text(f"{own['messages']:,}")
    visit_all(page, "maria")
    open_page(page, "Flagged messages")
    pick(page, "Severity", "high")
    high = [r for r in rows_in(gold.scores, CURRENT, {"Contencioso"}) if r["severity"] == "high"]
    expect(page.get_by_text(f"{len(high):,} flagged messages.")).to_be_visible()
    page.context.close()

    # A compliance officer resolves an alert.
    page = log_in(browser, dashboard_url, "carla")
    open_page(page, "Alerts & review queue")
    form = page.get_by_test_id("stForm")
    pick(page, "Action", "resolve", form)
    pick(page, "Outcome", "confirmed", form)
    form.get_by_role("textbox", name="Note").fill("confirmado com o jurídico")
    form.get_by_role("button", name="Record action").click()
    expect(page.get_by_text("resolve recorded (resolved)")).to_be_visible()
    visit_all(page, "carla")
    page.context.close()

    # The DPO lands on the access audit.
    page = log_in(browser, dashboard_url, "diego")
    # .first: while the post-login rerun settles Streamlit can briefly hold the old and new h1
    expect(page.get_by_role("heading", name="Access audit", level=1).first).to_be_visible()
    visit_all(page, "diego")
    page.context.close()
    assert shot == {spec.title for spec in roles.PAGES}

    log = read_access_log(str(lakehouse))
    did = set(log.select("user", "action", "page").iter_rows())
    assert {
        ("maria", "login", None),
        ("maria", "page_view", "Overview"),
        ("maria", "view_messages", "Flagged messages"),
        ("carla", "login", None),
        ("carla", "review", "Alerts & review queue"),
        ("diego", "page_view", "Access audit"),
    } <= did
    maria = log.filter(
        (pl.col("user") == "maria")
        & (pl.col("action") == "view_messages")
        & (pl.col("page") == "Flagged messages")
    )
    filters = [json.loads(what)["filters"] for what in maria["what"]]
    assert {
        "categories": [],
        "severities": ["high"],
        "teams": [],
        "start": str(CURRENT[0]),
        "end": str(CURRENT[1]),
    } in filters
    assert set(log.filter(pl.col("user") == "maria")["role"]) == {"manager"}
    assert all("Mozilla" in client for client in log["client"])
    reviews = read_reviews(str(lakehouse))
    assert reviews.select("user", "action", "outcome", "status").rows() == [
        ("carla", "resolve", "confirmed", "resolved")
    ]
