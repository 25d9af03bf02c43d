"""Notification fan-out: a campaign opening in an estate of 20,000 members.

1. Rows and memory: a throwaway database with an estate of ``--members`` members (and one of a
   tenth of that, to show the heap does not grow with the estate); ``notify`` writes one
   CAMPAIGN_VOTING_OPENED row per member in batches. Prints seconds, rows/s and the Python heap
   peak (tracemalloc) of each.
2. The feed while it happens: serves the product on the bench dataset (``python -m bench
   generate``), measures the Feed workload with wrk alone, then again while fan-outs to the
   dataset's members run back to back in this process (the worst case), and prints both rates
   and their ratio. The rows they wrote are deleted afterwards.

    .venv/bin/python -m bench.fanout --database-url postgres://postgres@127.0.0.1:5432/linli_bench
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import time
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise

from bench.prepare import data_dir
from bench.run import PRODUCT_PORT, Sample, serve, write_bodies, wrk
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity.wechat import WechatClient
from domain.notifications.models import Notification, NotificationKind
from domain.notifications.services import Notice, Subject, notify
from domain.stores import apply_migrations, open_redis
from settings import Settings, maintenance_limits, tortoise_config

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
OPENED = Notice(NotificationKind.CAMPAIGN_VOTING_OPENED, subject=Subject("Campaign", 1))


def _admin_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def _fresh_database(base: str) -> str:
    name = f"linli_fanout_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_admin_url(base))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return base.rsplit("/", 1)[0] + f"/{name}"


async def _drop(url: str) -> None:
    await Tortoise.close_connections()
    admin = await asyncpg.connect(_admin_url(url.rsplit("/", 1)[0] + "/postgres"))
    await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    await admin.close()


async def _seed(url: str, members: int) -> list[int]:
    connection = await asyncpg.connect(_admin_url(url))
    try:
        await connection.copy_records_to_table(
            "member",
            columns=["display_name", "roles", "invite_code", "created_at", "suspended"],
            records=[(f"邻居{n}", '["RESIDENT"]', f"F{n:07d}", NOW, False) for n in range(members)],
        )
        return [r["id"] for r in await connection.fetch("SELECT id FROM member ORDER BY id")]
    finally:
        await connection.close()


def _collaborators(url: str, redis_url: str) -> Collaborators:
    settings = Settings(
        database_url=url,
        redis_url=redis_url,
        secret_key="bench-only-not-a-secret",  # noqa: S106
        data_dir=Path(tempfile.gettempdir()),  # nothing is written there
    )
    return Collaborators(
        settings, open_redis(redis_url), FrozenClock(NOW), WechatClient("", "", "")
    )


async def _fan_out(c: Collaborators, member_ids: list[int]) -> tuple[int, float]:
    """(rows, seconds) of one fan-out to ``member_ids``."""
    started = time.perf_counter()
    told = await notify(c, member_ids, OPENED)
    return len(told), time.perf_counter() - started


async def _heap_peak(c: Collaborators, member_ids: list[int]) -> int:
    """The Python heap peak of the same fan-out (a run of its own: tracing slows it)."""
    tracemalloc.start()
    await notify(c, member_ids, OPENED)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


async def rows_and_memory(base: str, redis_url: str, members: int) -> None:
    for size in (members // 10, members):
        url = await _fresh_database(base)
        try:
            await apply_migrations(tortoise_config(url, maintenance_limits()))
            await Tortoise.close_connections()
            await Tortoise.init(config=tortoise_config(url, maintenance_limits()))
            ids = await _seed(url, size)
            c = _collaborators(url, redis_url)
            rows, seconds = await _fan_out(c, ids)
            assert rows == size == await Notification.all().count()
            await Notification.all().delete()
            peak = await _heap_peak(c, ids)
            print(
                f"fan-out to {size:,} members: {rows:,} rows in {seconds:.2f} s "
                f"({rows / seconds:,.0f} rows/s), heap peak {peak / 2**20:.1f} MiB",
                flush=True,
            )
        finally:
            await _drop(url)


async def _fan_outs_on_dataset(
    url: str, redis_url: str, members: int, stop: threading.Event
) -> tuple[int, float]:
    """Fan-outs back to back until ``stop`` (the worst case for the feed beside them); returns
    the rows written and the seconds taken. The rows are deleted afterwards."""
    await Tortoise.init(config=tortoise_config(url, maintenance_limits()))
    try:
        connection = await asyncpg.connect(_admin_url(url))
        ids = [r["id"] for r in await connection.fetch("SELECT id FROM member LIMIT $1", members)]
        await connection.close()
        c = _collaborators(url, redis_url)
        rows, seconds = 0, 0.0
        while not stop.is_set():
            told, took = await _fan_out(c, ids)
            rows, seconds = rows + told, seconds + took
        await Notification.filter(kind=NotificationKind.CAMPAIGN_VOTING_OPENED).delete()
        return rows, seconds
    finally:
        await Tortoise.close_connections()


def feed_during_fan_out(url: str, redis_url: str, members: int, seconds: int) -> None:
    data = data_dir(url)
    write_bodies(data)
    env = {
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "LOG_LEVEL": "WARNING",
    }
    args = ["asgi:app_from_environment", "--factory", "--workers", "2"]
    with serve("product", args, PRODUCT_PORT, env) as product:
        wrk(product, "feed_first", 32, 2, data)  # warm-up
        alone = wrk(product, "feed_first", 32, seconds, data)
        outcome: dict[str, Any] = {}
        stop = threading.Event()

        def run() -> None:
            outcome["fan_out"] = asyncio.run(_fan_outs_on_dataset(url, redis_url, members, stop))

        thread = threading.Thread(target=run)
        thread.start()
        during = wrk(product, "feed_first", 32, seconds, data)
        stop.set()
        thread.join()
    rows, took = outcome["fan_out"]
    _report(alone, during, rows, took, seconds)


def _report(alone: Sample, during: Sample, rows: int, took: float, seconds: int) -> None:
    print(f"feed alone: {alone.rps:,.0f} req/s, p99 {alone.p99_ms:.1f} ms")
    print(
        f"feed during fan-outs back to back ({rows:,} rows at {rows / took:,.0f} rows/s): "
        f"{during.rps:,.0f} req/s, p99 {during.p99_ms:.1f} ms, "
        f"{during.rps / alone.rps:.2f}× the rate alone"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/linli_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--skip-feed", action="store_true", help="only rows/s and memory")
    args = parser.parse_args()
    asyncio.run(rows_and_memory(args.database_url, args.redis_url, args.members))
    if not args.skip_feed:
        feed_during_fan_out(args.database_url, args.redis_url, args.members, args.duration)


if __name__ == "__main__":
    main()
