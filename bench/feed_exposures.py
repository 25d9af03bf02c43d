"""``python -m bench.feed_exposures``: the mini-program's Feed with exposure tracking on against
off, on the bench dataset (``python -m bench generate``).

The workload is what the mini-program sends while a resident scrolls (``bench/feed_sightings.lua``):
sessions of three Feed pages of 20 as one random viewer (the first page, then each page after
the previous page's ``endCursor``), each page followed by the ``recordPostViews`` report of its
20 post ids, as the mini-program reports the cards it showed (``api/contract/exposures.graphql``).
Full documents, no persisted-query hashes (as the main bench's "Feed, first 20").

Two product servers run side by side on the same dataset and Redis, one with
``EXPOSURES_ENABLED=0``; both receive the same requests and answer them the same way; only "on"
buffers the sightings in Redis (the per-member report limit, then one ``HSETNX`` a post). After
every round this process writes the buffer out with the product's own ``flush`` (the job the
worker runs every 60 s), outside the measured time, and prints that write-out's cost apart: every
round starts from an empty buffer, so every sighting of the round is new to it. A third row
replays the same pages without their reports, for what the report request itself costs. Rounds
alternate the sides (on, off, pages alone; then the reverse order), ``--repeat`` rounds, medians.

Printed per side: Feed pages/s and their p50/p99 (timed per request in the wrk script), reports/s
and their p99, the servers' CPU per Feed page (its report included), refusals; then on ÷ off.

    .venv/bin/python -m bench generate --scale 0.01 \\
        --database-url postgres://postgres@127.0.0.1:5432/linli_bench_small
    .venv/bin/python -m bench.feed_exposures \\
        --database-url postgres://postgres@127.0.0.1:5432/linli_bench_small
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from bench.prepare import data_dir
from bench.run import BENCH, Server, contract_operation, serve

ON_PORT, OFF_PORT = 8191, 8192


@dataclass
class Round:
    feed_rps: float
    feed_p50_ms: float
    feed_p99_ms: float
    report_rps: float
    report_p99_ms: float
    cpu_ms_per_page: float
    refused: int  # feed pages or reports not answered as expected, socket errors
    limited: int  # reports answered RateLimited


def write_bodies(data: Path) -> None:
    feed = contract_operation("Feed")
    report = contract_operation("RecordPostViews", "exposures.graphql")
    found: dict[str, Any] = {
        "feed_first": {"query": feed, "variables": {"first": 20}},
        "feed_after": {"query": feed, "variables": {"first": 20, "after": "__AFTER__"}},
        "report": {"query": report, "variables": {"input": {"postIds": "__IDS__"}}},
    }
    text = "".join(f"{name}\t{orjson.dumps(body).decode()}\n" for name, body in found.items())
    # The ids go in as a JSON list: the placeholder's quotes are replaced with it.
    (data / "feed_bodies.txt").write_text(text.replace('"__IDS__"', '["__IDS__"]'))


def wrk(server: Server, connections: int, seconds: int, data: Path, reports: bool) -> Round:
    cpu_before = server.cpu_seconds()
    out = subprocess.run(
        [
            "wrk",
            f"-t{connections}",  # one connection per thread: each is one client with its state
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(BENCH / "feed_sightings.lua"),
            f"http://127.0.0.1:{server.port}/graphql",
        ],
        env={**os.environ, "BENCH_DATA": str(data), "REPORTS": "1" if reports else "0"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = server.cpu_seconds() - cpu_before
    done = json.loads(next(x for x in out.splitlines() if x.startswith("{")))
    seconds_run = done["duration_us"] / 1e6
    return Round(
        feed_rps=done["feed"] / seconds_run,
        feed_p50_ms=done["feed_p50_us"] / 1000,
        feed_p99_ms=done["feed_p99_us"] / 1000,
        report_rps=done["reports"] / seconds_run,
        report_p99_ms=done["report_p99_us"] / 1000,
        cpu_ms_per_page=cpu * 1000 / max(1, done["feed"]),
        refused=done["feed_bad"] + done["report_bad"] + done["socket_errors"],
        limited=done["report_limited"],
    )


def median(rounds: list[Round]) -> Round:
    def mid(name: str) -> float:
        return float(statistics.median(getattr(r, name) for r in rounds))

    return Round(
        feed_rps=mid("feed_rps"),
        feed_p50_ms=mid("feed_p50_ms"),
        feed_p99_ms=mid("feed_p99_ms"),
        report_rps=mid("report_rps"),
        report_p99_ms=mid("report_p99_ms"),
        cpu_ms_per_page=mid("cpu_ms_per_page"),
        refused=sum(r.refused for r in rounds),
        limited=sum(r.limited for r in rounds),
    )


async def flush_once(database_url: str, redis_url: str) -> tuple[int, float]:
    """(rows offered, seconds) of one run of the product's ``flush`` (the worker's job)."""
    from tortoise import Tortoise

    from domain.clock import Clock
    from domain.collaborators import Collaborators
    from domain.exposures.services import flush
    from domain.identity.wechat import WechatClient
    from domain.stores import open_redis
    from settings import Settings, maintenance_limits, tortoise_config

    await Tortoise.init(config=tortoise_config(database_url, maintenance_limits()))
    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key="bench-only-not-a-secret",  # noqa: S106
        data_dir=Path(tempfile.gettempdir()),  # nothing is written there
    )
    c = Collaborators(settings, open_redis(redis_url), Clock(), WechatClient("", "", ""))
    try:
        started = time.perf_counter()
        rows = await flush(c)
        return rows, time.perf_counter() - started
    finally:
        await c.redis.aclose()
        await Tortoise.close_connections()


def row(label: str, m: Round) -> str:
    return (
        f"| {label} | {m.feed_rps:,.0f} | {m.feed_p50_ms:.1f} | {m.feed_p99_ms:.1f} | "
        f"{m.report_rps:,.0f} | {m.report_p99_ms:.1f} | {m.cpu_ms_per_page:.2f} | "
        f"{m.refused} | {m.limited} |"
    )


def run(args: argparse.Namespace) -> None:
    data = data_dir(args.database_url)
    write_bodies(data)
    env = {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "LOG_LEVEL": "WARNING",
    }
    factory = ["asgi:app_from_environment", "--factory", "--workers", str(args.workers)]
    sides: dict[str, list[Round]] = {"on": [], "off": [], "pages alone": []}
    flushed: list[tuple[int, float]] = []
    on_flag = "0" if args.control else "1"  # --control: both off, the noise between two servers
    with (
        serve("product", factory, ON_PORT, {**env, "EXPOSURES_ENABLED": on_flag}) as on,
        serve("product", factory, OFF_PORT, {**env, "EXPOSURES_ENABLED": "0"}) as off,
    ):
        plan = [("on", on, True), ("off", off, True), ("pages alone", off, False)]
        for _, server, reports in plan:  # warm-up, not counted
            wrk(server, args.connections, 2, data, reports)
        asyncio.run(flush_once(args.database_url, args.redis_url))  # the warm-up's sightings
        for n in range(args.repeat):
            for name, server, reports in plan if n % 2 == 0 else plan[::-1]:
                sides[name].append(wrk(server, args.connections, args.duration, data, reports))
                r = sides[name][-1]
                print(f"{name}: {r.feed_rps:,.0f} pages/s, p99 {r.feed_p99_ms:.1f} ms", flush=True)
                # Written out between rounds, outside the measurement: each round starts with an
                # empty buffer, and the write-out's own cost is printed apart.
                rows, seconds = asyncio.run(flush_once(args.database_url, args.redis_url))
                if name == "on":
                    flushed.append((rows, seconds))
    m = {name: median(rounds) for name, rounds in sides.items()}
    print(
        "| side | Feed pages/s | Feed p50 ms | Feed p99 ms | reports/s | report p99 ms | "
        "server CPU ms per page | refused | rate-limited |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    for name, label in [
        ("on", "exposures on (EXPOSURES_ENABLED=1)" if not args.control else "control: off too"),
        ("off", "exposures off (EXPOSURES_ENABLED=0)"),
        ("pages alone", "the same pages, no reports"),
    ]:
        print(row(label, m[name]))
    on_, off_ = m["on"], m["off"]
    pairs = zip(sides["on"], sides["off"], strict=True)
    print(
        f"on ÷ off: Feed pages/s {on_.feed_rps / off_.feed_rps:.3f}×, "
        f"p99 {on_.feed_p99_ms / off_.feed_p99_ms:.2f}×, "
        f"CPU per page {on_.cpu_ms_per_page / off_.cpu_ms_per_page:.2f}×; "
        f"per-round on/off rates: " + ", ".join(f"{a.feed_rps / b.feed_rps:.3f}" for a, b in pairs)
    )
    if args.control:
        print("control run: both servers had EXPOSURES_ENABLED=0")
    rows = sum(r for r, _ in flushed)
    seconds = sum(s for _, s in flushed)
    print(
        f"write-out after the on rounds: {rows:,} sightings into post_exposure in {seconds:.2f} s "
        f"({rows / max(seconds, 1e-9):,.0f} rows/s; {seconds / len(flushed):.2f} s per "
        f"{args.duration} s round of traffic)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.feed_exposures", description=__doc__)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/linli_bench_small"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16, help="clients (wrk threads)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers of each server")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (the median counts)")
    parser.add_argument(
        "--control", action="store_true", help="exposures off on both servers (an A/A run)"
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
