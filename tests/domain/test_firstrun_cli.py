"""``linli serve --no-demo`` on an empty database: migrated, no demo rows, the setup code on the
console, and the setup page in front of the site until the code's holder creates the admin."""

from __future__ import annotations

import asyncio
import re
import socket
import sqlite3
import sys
from pathlib import Path

import httpx

CODE = re.compile(r"[A-HJ-NP-Z2-9]{4}(?:-[A-HJ-NP-Z2-9]{4}){3}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tail(log: Path) -> str:
    return log.read_text()[-2000:]


async def wait_until_up(
    http: httpx.AsyncClient, server: asyncio.subprocess.Process, log: Path
) -> None:
    """Migrating a new SQLite file takes seconds, more on a busy machine: up to two minutes."""
    for _ in range(1200):
        if server.returncode is not None:
            raise AssertionError(f"linli serve stopped: {tail(log)}")
        try:
            if (await http.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"linli serve did not come up: {tail(log)}")


async def test_serve_without_the_demo_seeds_nothing_and_shows_the_setup_page(
    tmp_path: Path, repo_root: Path
) -> None:
    port = free_port()
    env = {
        "LINLI_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "cli-test-secret",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(repo_root),
    }
    log = (tmp_path / "serve.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        f"import cli; raise SystemExit(cli.main(['serve', '--no-demo', '--port', '{port}']))",
        cwd=repo_root,
        env=env,
        stdout=log,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            await wait_until_up(http, server, tmp_path / "serve.log")
            home = await http.get("/")
            assert (home.status_code, home.headers["location"]) == (303, "/setup")
            output = (tmp_path / "serve.log").read_text()
            assert "演示" not in output  # no demo summary
            code = CODE.search(output)
            assert code, output[-2000:]
            setup = await http.get("/setup")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', setup.text).group(1)  # type: ignore[union-attr]
            fields = {
                "csrf_token": csrf,
                "setupCode": code.group(0),
                "brandName": "青禾邻里",
                "phone": "13700000001",
                "displayName": "运营小王",
                "password": "first-admin-2026",
            }
            done = await http.post("/setup", data=fields)
            assert (done.status_code, done.headers["location"]) == (303, "/admin")
            assert "青禾邻里" in (await http.get("/admin")).text
    finally:
        server.terminate()
        await server.wait()
        log.close()
    db = sqlite3.connect(tmp_path / "linli.sqlite3")
    try:
        counts = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("member", "estate", "interest_group", "post", "reward", "event")
        }
    finally:
        db.close()
    assert counts == {
        "member": 1,  # the admin made on the setup page, and nobody else
        "estate": 0,
        "interest_group": 0,
        "post": 0,
        "reward": 0,
        "event": 0,
    }
