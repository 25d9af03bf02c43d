"""Peak memory of ``linli import-purchases`` as the file grows: generates CSVs of 10,000 and
100,000 orders, imports each into a fresh migrated database through the same code as the command
(file streamed line by line, batches of 500), and prints the Python heap peak (tracemalloc) for
each. Bounded memory means the two peaks are about the same.

    .venv/bin/python -m bench.import_purchases_memory            # SQLite in a temp folder
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.import_purchases_memory        # a throwaway PostgreSQL database
"""

from __future__ import annotations

import asyncio
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from tortoise import Tortoise

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.identity.wechat import WechatClient
from domain.purchases.csv_file import FileProgress
from domain.purchases.csv_import import import_purchases_csv
from domain.purchases.services import RecordSummary
from domain.stores import apply_migrations, open_redis
from settings import Settings, maintenance_limits, tortoise_config

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "10000,100000").split(","))
MEMBERS = 2_000
NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def _write_csv(path: Path, rows: int) -> None:
    at = (NOW - timedelta(days=3)).isoformat()
    with path.open("w", encoding="utf-8") as out:
        out.write("order_id,phone,amount_cents,purchased_at,items\n")
        for n in range(rows):
            out.write(f"B-{n:07d},1500000{n % MEMBERS:04d},{100 + n % 9000},{at},挂耳咖啡|帆布袋\n")


async def _database(base: str | None, folder: Path, size: int) -> str:
    if not base:
        return f"sqlite://{folder / f'bench-{size}.sqlite3'}"
    name = f"linli_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(base.replace("postgres://", "postgresql://", 1))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return base.rsplit("/", 1)[0] + f"/{name}"


async def _drop(base: str | None, url: str) -> None:
    await Tortoise.close_connections()
    if base:
        admin = await asyncpg.connect(base.replace("postgres://", "postgresql://", 1))
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        await admin.close()


async def _seed_members() -> Member:
    admin = await Member.create(
        phone="13800000001",
        display_name="运营",
        roles=[Role.ADMIN.value],
        invite_code="BENCHADM",
        created_at=NOW,
    )
    await Member.bulk_create(
        [
            Member(
                phone=f"1500000{n:04d}",
                display_name=f"邻居{n}",
                invite_code=f"B{n:07d}",
                created_at=NOW,
            )
            for n in range(MEMBERS)
        ],
        batch_size=200,
    )
    return admin


async def _run(size: int, folder: Path, base: str | None) -> tuple[int, float, int]:
    url = await _database(base, folder, size)
    await apply_migrations(tortoise_config(url, maintenance_limits()))
    await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(url, maintenance_limits()))
    try:
        admin = await _seed_members()
        path = folder / f"orders-{size}.csv"
        _write_csv(path, size)
        settings = Settings(
            database_url=url,
            redis_url="memory://",
            secret_key="bench-only-not-a-secret",  # noqa: S106
            data_dir=folder,
        )
        c = Collaborators(
            settings, open_redis("memory://"), FrozenClock(NOW), WechatClient("", "", "")
        )
        progress = FileProgress(path, io.StringIO())
        checkpoints: list[str] = []

        def watch(summary: RecordSummary) -> None:
            """The heap now, at each tenth of the file: flat when memory is bounded."""
            progress(summary)
            if summary.recorded * 10 // size > len(checkpoints):
                current, _ = tracemalloc.get_traced_memory()
                checkpoints.append(f"{summary.recorded:,}: {current / 2**20:.1f}")

        tracemalloc.start()
        started = time.perf_counter()
        with path.open("rb") as handle:
            summary = await import_purchases_csv(c, admin, progress.lines(handle), watch)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert summary.recorded == size, summary
        print(f"  heap (MiB) after rows recorded: {'; '.join(checkpoints)}", flush=True)
        return peak, seconds, summary.recorded
    finally:
        await _drop(base, url)


async def main() -> None:
    base = os.environ.get("BENCH_DATABASE_URL", "").strip() or None
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            peak, seconds, recorded = await _run(size, Path(folder), base)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{size:>7,} rows on {'PostgreSQL' if base else 'SQLite'}: recorded {recorded:,} "
                f"in {seconds:.0f}s ({size / seconds:,.0f} rows/s); Python heap peak during the "
                f"import {peak / 2**20:.1f} MiB; process max RSS so far {rss:.0f} MiB",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
