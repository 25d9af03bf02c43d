"""The demo neighbourhood as a newcomer first sees it (``linli serve`` on the zero-setup default):
its ten main resident pages pass axe-core with no serious or critical violation at 390 px and at
1280 px, and the pages the README shows are photographed at 390 px with the CJK fonts
(``tests/e2e/screenshots/``, linked from the README).

The server is the README's first command on a database of its own (a SQLite file and the
in-process Redis in a temporary folder), so the demo data the screenshots show is the demo every
newcomer gets. axe-core comes from npm (``make venv`` installs it into ``node_modules``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.e2e.conftest import _free_port

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
RESIDENT = ("13800000003", "linli-demo-2026")
ADMIN = ("13800000001", "linli-admin-2026")
# The ten main pages: list pages by path, detail pages by the first link their list shows.
LISTS = ("/", "/groups", "/events", "/mall", "/campaigns", "/me")
DETAILS = (
    ("/", "main a[href^='/posts/']"),
    ("/groups", "main a[href^='/groups/']"),
    ("/events", "main a[href^='/events/']"),
    ("/campaigns", "main a[href^='/campaigns/']"),
)
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``linli serve`` on an empty zero-setup store: it migrates, seeds the demo and serves."""
    folder = tmp_path_factory.mktemp("demo-site")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{folder / 'linli.sqlite3'}",
        "REDIS_URL": "memory://",
        "LINLI_DATA_DIR": str(folder),
        "SECRET_KEY": "demo-site-test-secret",
        "LOG_LEVEL": "WARNING",
        "LOGIN_PER_MINUTE": "1000",
    }
    env.pop("LINLI_DEMO", None)
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # the demo is seeded before the server listens
        while True:
            assert process.poll() is None, (folder / "server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the demo server did not start in 300 s"
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


async def log_in(page: Page, url: str, account: tuple[str, str]) -> None:
    await page.goto(f"{url}/login")
    await page.fill("#f-phone", account[0])
    await page.fill("#f-password", account[1])
    await page.click("#login-form button[type=submit]")
    await expect(
        page.locator("#tabbar a[href='/me'], .topbar a[href='/me']").first
    ).to_be_attached()


async def main_pages(page: Page, url: str) -> list[str]:
    """The ten pages: the lists, then the first item each list links to."""
    paths = list(LISTS)
    for listing, link in DETAILS:
        await page.goto(f"{url}{listing}")
        href = await page.locator(link).first.get_attribute("href")
        assert href, f"{listing} links to no {link}"
        paths.append(href)
    return paths


async def serious_violations(page: Page) -> list[dict[str, Any]]:
    await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "where": [
                (node["target"], (node["any"] or node["all"] or [{}])[0].get("message"))
                for node in violation["nodes"][:5]
            ],
        }
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
    ]


async def test_the_ten_main_pages_have_no_serious_accessibility_violation(
    browser: Browser, demo_site: str
) -> None:
    assert AXE.exists(), "node_modules/axe-core is missing: `make venv` installs it with npm"
    found: dict[str, list[dict[str, Any]]] = {}
    for viewport in (PHONE, DESKTOP):
        # The product's CSP forbids inline scripts; axe is injected as one, by the test only.
        context = await browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
        page = await context.new_page()
        await log_in(page, demo_site, RESIDENT)
        paths = await main_pages(page, demo_site)
        assert len(set(paths)) == 10, paths
        for path in paths:
            response = await page.goto(f"{demo_site}{path}")
            assert response is not None and response.status == 200, path
            if violations := await serious_violations(page):
                found[f"{viewport['width']} px {path}"] = violations
        await context.close()
    assert found == {}


async def test_the_readme_screenshots_are_taken_at_390_px_on_the_demo(
    browser: Browser, demo_site: str, tmp_path: Path
) -> None:
    """Taken on every run; with ``UPDATE_SCREENSHOTS=1`` they replace the README's copies (so a
    test run leaves the checkout clean otherwise)."""
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(exist_ok=True)
    context = await browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = await context.new_page()
    await log_in(page, demo_site, RESIDENT)
    post, group, event, campaign = (await main_pages(page, demo_site))[len(LISTS) :]
    shots = {
        "feed": "/",
        "post": post,
        "group": group,
        "mall": "/mall",
        "campaign": campaign,
        "event": event,
        "me": "/me",
    }
    for name, path in shots.items():
        await page.goto(f"{demo_site}{path}")
        await page.wait_for_load_state("networkidle")
        await page.screenshot(path=str(folder / f"{name}.png"))
    await context.close()

    context = await browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = await context.new_page()
    await log_in(page, demo_site, ADMIN)
    await page.goto(f"{demo_site}/admin/dashboard")
    await expect(page.locator("h1")).to_be_visible()
    await page.screenshot(path=str(folder / "dashboard.png"))
    await context.close()
    for name in (*shots, "dashboard"):
        picture = folder / f"{name}.png"
        assert picture.stat().st_size > 10_000, name  # a photographed page, not a blank one
