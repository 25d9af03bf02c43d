"""Browser tests: Debian's chromium (installed here if missing) against a live server process that
shares the test database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.stores import REDIS_URL

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _install_chromium() -> str | None:
    """Debian's chromium, installed with apt-get when we may; never a browser download."""
    found = shutil.which("chromium")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env, capture_output=True
    )
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _install_chromium()
    if path is None:
        pytest.skip("Debian's chromium is not installed and cannot be installed here (not root)")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium_path: str) -> dict[str, Any]:
    return {"executable_path": chromium_path, "args": CHROMIUM_ARGS, "headless": True}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(database_url: str, data_dir: Path, **extra_env: str) -> Iterator[str]:
    """A live server process on a free port, sharing the test database; its URL. Its log (stdout
    and stderr) is ``data_dir / "server.log"``."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "LINLI_DATA_DIR": str(data_dir),
        "SECRET_KEY": "live-server-test-secret",
        "LOG_LEVEL": "WARNING",
        # Every browser test logs in from 127.0.0.1 against this one server; with the zero-setup
        # in-process Redis its login counter is never flushed between tests (the API tests
        # prove the 10/min limit).
        "LOGIN_PER_MINUTE": "1000",
        **extra_env,
    }
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "asgi:app_from_environment",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            # A page left open holds its event streams (the bell): cut them on terminate.
            "--timeout-graceful-shutdown",
            "3",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(database_url, tmp_path_factory.mktemp("live-data")) as url:
        yield url


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the live server exited during start-up")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the live server did not become healthy in 30 s")


async def log_out(page: Page) -> None:
    """Log out as the resident would: on a phone through the 我的 tab, on a wide screen from the
    top bar."""
    tab = page.locator("#tabbar a[href='/me']")
    if await tab.is_visible():
        await tab.click()
        await page.locator("main form[action='/logout'] button").click()
    else:
        await page.locator(".topbar form[action='/logout'] button").click()
    await expect(page.locator("a.button.small")).to_have_text("加入邻里")
