"""``python -m bench.tiers``: recompute the tiers of 100,000 members (~540,000 purchases over a
year: a few heavy buyers, many occasional, some lapsed, a quarter who never bought) on a
database of its own, and print members per second and the Python heap's peak (tracemalloc) next
to the process's peak RSS. Run it at two sizes (``--members 20000`` and the default) to see that
the heap does not grow with the members: the job holds three integer arrays and one batch."""

from __future__ import annotations

import argparse
import asyncio
import resource
import time
import tracemalloc
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import asyncpg
from redis.asyncio import Redis
from tortoise import Tortoise

from domain.clock import SHANGHAI, FrozenClock
from domain.segments.recompute import recompute_tiers
from domain.stores import apply_migrations, open_redis
from settings import maintenance_limits, tortoise_config

ANCHOR = datetime(2026, 11, 22, tzinfo=SHANGHAI)
H = "(({x}) * 2654435761 % 4294967296)"  # a multiplicative hash: same rows every run


@dataclass(frozen=True)
class _Clocked:
    """The job's collaborators: the anchor's clock and an in-process Redis for its lock."""

    clock: FrozenClock
    redis: Redis


def fill_sql(members: int) -> list[str]:
    """Members and their purchases: per member a segment by hash (5 % heavy: 24–40 orders, 20 %
    regular: 8–16, 35 % occasional: 1–5, 15 % lapsed: 1–4 more than 180 days ago, 25 % none).
    No posts: nobody contributes, so no KOC here (the demo has them)."""
    a = f"'{ANCHOR.isoformat()}'::timestamptz"
    segment = H.format(x="i + 17") + " % 100"
    orders = f"""CASE WHEN s < 5 THEN 24 + {H.format(x="i + 3")} % 17
        WHEN s < 25 THEN 8 + {H.format(x="i + 3")} % 9
        WHEN s < 60 THEN 1 + {H.format(x="i + 3")} % 5
        WHEN s < 75 THEN 1 + {H.format(x="i + 3")} % 4 ELSE 0 END"""
    return [
        "INSERT INTO estate (id, name, city, district, created_at) VALUES "
        f"(1, '邻里小区', '上海', '浦东新区', {a} - interval '800 days')",
        f"""INSERT INTO member (id, phone, password_hash, display_name, avatar_url, roles,
            invite_code, consent_version, consented_at, suspended, created_at, last_seen_at,
            estate_id, referred_by_id, tier)
        SELECT i, '139' || lpad(i::text, 8, '0'), NULL, '邻居' || i, NULL,
            '["RESIDENT"]'::jsonb, 'T' || lpad(upper(to_hex(i)), 7, '0'), '2026-01',
            {a} - interval '700 days', false,
            {a} - interval '1 day' * ({H.format(x="i")} % 700), NULL, 1, NULL, NULL
        FROM generate_series(1, {members}) i""",
        f"""INSERT INTO purchase (order_id, member_id, amount_cents, purchased_at, items, source,
            batch, created_at)
        SELECT 'B' || i || '-' || k, i, 1000 + {H.format(x="i * 41 + k")} % 20000,
            {a} - interval '1 day' * (CASE WHEN s >= 60 THEN 181 + {H.format(x="i + k")} % 180
                ELSE {H.format(x="i * 7 + k")} % 360 END) - interval '1 hour',
            '[]'::jsonb, 'CSV', 'bench', {a}
        FROM (SELECT i, {segment} AS s FROM generate_series(1, {members}) i) m,
            LATERAL generate_series(1, {orders}) k""",
        "SELECT setval(pg_get_serial_sequence('member', 'id'), (SELECT max(id) FROM member))",
        "ANALYZE",
    ]


async def build(database_url: str, members: int) -> int:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(database_url.replace(f"/{name}", "/postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await apply_migrations(tortoise_config(database_url, maintenance_limits()))
    await Tortoise.close_connections()
    conn = await asyncpg.connect(database_url)
    try:
        for statement in fill_sql(members):
            await conn.execute(statement)
        purchases: int = await conn.fetchval("SELECT count(*) FROM purchase")
    finally:
        await conn.close()
    return purchases


async def measure(database_url: str) -> None:
    await Tortoise.init(config=tortoise_config(database_url, maintenance_limits()))
    try:
        tracemalloc.start()
        started = time.perf_counter()
        clocked = _Clocked(FrozenClock(ANCHOR), open_redis("memory://"))
        run = await recompute_tiers(clocked, trigger="COMMAND")
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        await Tortoise.close_connections()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    buyers = sum(run.buyer_shares.values())
    shares = " / ".join(
        f"{name} {run.buyer_shares.get(name, 0) / max(1, buyers):.1%}"
        for name in ("KOC", "HIGH_VALUE", "POTENTIAL", "DORMANT")
    )
    print(
        f"{run.members:,} members in {seconds:.1f} s = {run.members / seconds:,.0f} members/s; "
        f"Python heap peak {peak / 2**20:.1f} MiB, process max RSS {rss_mib:.0f} MiB; "
        f"{run.changed:,} changes; among {buyers:,} buyers: {shares}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tiers", description=__doc__)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/linli_bench_tiers"
    )
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    purchases = asyncio.run(build(args.database_url, args.members))
    print(
        f"built {args.members:,} members and {purchases:,} purchases "
        f"in {time.perf_counter() - started:.0f} s"
    )
    asyncio.run(measure(args.database_url))


if __name__ == "__main__":
    main()
