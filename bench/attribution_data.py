"""The attribution dataset: members and posts as ``bench/generate.py`` makes them (no likes,
comments or ledger), a catalogue of ``PRODUCTS`` SKUs tagged on every 20th post (1–3 SKUs each),
sightings and purchases over the ``DAYS`` before the anchor. Set-based SQL like the main
dataset: every value is a hash of the row number, the seed and the anchor, so the same arguments
give the same rows.

At scale 1: 100,000 members, 1,000,000 posts (50,000 tagged), 10,000,000 ``post_exposure`` rows
(100 a member: 40 of tagged posts, 60 of the newest fifth of the others — the feed's — on days
spread over 90 days) and 500,000 purchases of 1–3 SKUs each over the same 90 days. A member never
sees the same post twice (so the table's unique (member, post, day) holds by construction): the
k-th tagged post a member sees is ``20 · (1 + (h(m) + 7919 k) mod T)``, distinct for k < T.

The exposures are loaded with the table's secondary indexes and foreign keys dropped, then
rebuilt (one sort per index instead of 10M index insertions)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import asyncpg

from bench.generate import (
    DROP_FUNCTIONS,
    Sizes,
    _create_database,
    _functions,
    anchor_of,
    identity_sql,
    posts_sql,
)

PRODUCTS = 200
DAYS = 90
TAG_EVERY = 20  # every 20th post is tagged: 5 %
TAGGED_SIGHTINGS = 40  # of the 100 sightings a member has
COUNTED = ("member", "post", "product", "post_product", "post_exposure", "purchase")


@dataclass(frozen=True)
class AttributionSizes:
    members: int
    posts: int
    exposures: int
    purchases: int

    @classmethod
    def of(cls, scale: float) -> AttributionSizes:
        base = Sizes.of(scale)
        return cls(base.members, base.posts, round(10_000_000 * scale), round(500_000 * scale))

    @property
    def tagged(self) -> int:
        return self.posts // TAG_EVERY

    @property
    def per_member(self) -> int:
        return max(TAGGED_SIGHTINGS + 1, self.exposures // self.members)


def products_sql() -> list[str]:
    return [
        f"""INSERT INTO product (id, sku, name, image_id, price_fen, active, created_at,
            updated_at)
        SELECT i, 'BENCH' || lpad(i::text, 4, '0'), '压测商品' || i, NULL,
            500 + bench_h(i + 61) % 20000, true, __A__ - interval '200 days',
            __A__ - interval '200 days'
        FROM generate_series(1, {PRODUCTS}) i""",
    ]


def tags_sql(sizes: AttributionSizes, kept_of_five: int = 5) -> list[str]:
    """1–3 SKUs on every 20th post; ``kept_of_five`` < 5 keeps that many of each five tagged posts
    (a smaller tagged share: 3 of 5 is 3 % of the posts)."""
    return [
        "DELETE FROM post_product",
        f"""INSERT INTO post_product (post_id, product_id, position)
        SELECT p, 1 + (bench_h(p + 63) + j * 37) % {PRODUCTS}, j
        FROM generate_series({TAG_EVERY}, {sizes.posts}, {TAG_EVERY}) p,
            generate_series(0, 2) j
        WHERE j <= bench_h(p + 65) % 3 AND (p / {TAG_EVERY}) % 5 < {kept_of_five}
        ORDER BY p, j""",
    ]


def exposures_sql(sizes: AttributionSizes, first: int, last: int) -> str:
    """Members ``first``..``last``: ``per_member`` sightings each, the first 40 of tagged posts,
    the rest of the newest fifth's untagged posts (ids not a multiple of 20), at a hashed second
    of the last 90 days."""
    k, kt, t, p = sizes.per_member, TAGGED_SIGHTINGS, sizes.tagged, sizes.posts
    q = p // 5 * (TAG_EVERY - 1) // TAG_EVERY  # untagged posts among the newest fifth
    untagged = (
        f"{p} - (20 * (j / {TAG_EVERY - 1}) + j % {TAG_EVERY - 1} + 1)"  # never a multiple of 20
    )
    return f"""INSERT INTO post_exposure (id, member_id, post_id, day, source, seen_at)
    SELECT id, m, CASE WHEN k < {kt} THEN {TAG_EVERY} * (1 + (bench_h(m + 73) + k * 7919) % {t})
            ELSE {untagged} END,
        (seen AT TIME ZONE 'Asia/Shanghai')::date,
        (ARRAY['FEED', 'FEED', 'FEED', 'DETAIL', 'MINIPROGRAM'])[1 + bench_h(id + 71) % 5], seen
    FROM (
        SELECT (m - 1)::bigint * {k} + k + 1 AS id, m, k,
            (bench_h(m + 75) + greatest(k - {kt}, 0) * 104729) % {q} AS j,
            __A__ - interval '1 second' * (1 + bench_h((m - 1)::bigint * {k} + k + 77)
                % ({DAYS} * 86400)) AS seen
        FROM generate_series({first}, {last}) m, generate_series(0, {k - 1}) k
    ) e"""


def purchases_sql(sizes: AttributionSizes) -> list[str]:
    m = sizes.members
    sku = f"'BENCH' || lpad((1 + (bench_h(i + 81) + j * 37) % {PRODUCTS})::text, 4, '0')"
    return [
        f"""INSERT INTO purchase (id, order_id, member_id, amount_cents, purchased_at, items,
            source, batch, created_at)
        SELECT i, 'BA' || i, 1 + bench_h(i + 83) % {m}, 1000 + bench_h(i + 85) % 30000, at,
            (SELECT jsonb_agg({sku} ORDER BY j)
             FROM generate_series(0, (bench_h(i + 87) % 3)::int) j),
            'CSV', 'bench', at
        FROM (SELECT i, __A__ - interval '1 second' * (1 + bench_h(i + 89) % ({DAYS} * 86400))
                AS at FROM generate_series(1, {sizes.purchases}) i) s""",
        "SELECT setval(pg_get_serial_sequence('purchase', 'id'), (SELECT max(id) FROM purchase))",
    ]


async def _secondary(conn: asyncpg.Connection, table: str) -> tuple[list[str], list[str]]:
    """(statements that drop, statements that rebuild) the table's unique and foreign-key
    constraints and its other indexes (the primary key stays)."""
    constraints = await conn.fetch(
        "SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint "
        "WHERE conrelid = $1::regclass AND contype IN ('u', 'f')",
        table,
    )
    indexes = await conn.fetch(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass)",
        table,
    )
    drop = [f'ALTER TABLE "{table}" DROP CONSTRAINT "{c["conname"]}"' for c in constraints]
    drop += [f'DROP INDEX "{i["indexname"]}"' for i in indexes]
    build = [i["indexdef"] for i in indexes]
    build += [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{c["conname"]}" {c["def"]}' for c in constraints
    ]
    return drop, build


async def generate_attribution(
    database_url: str,
    scale: float,
    seed: int,
    anchor_day: date,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Drop and re-create the database of ``database_url``, migrate it, fill it; returns the rows
    of each table."""
    from tortoise import Tortoise

    from domain.stores import apply_migrations
    from settings import maintenance_limits, tortoise_config

    sizes = AttributionSizes.of(scale)
    base_sizes = Sizes.of(scale)
    literal = f"'{anchor_of(anchor_day).isoformat()}'::timestamptz"
    base, _, name = database_url.rpartition("/")
    await _create_database(f"{base}/postgres", name)
    started = time.perf_counter()
    await apply_migrations(tortoise_config(database_url, maintenance_limits()))
    await Tortoise.close_connections()
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'")
        await conn.execute("SET synchronous_commit = off")

        async def step(label: str, statements: list[str]) -> None:
            t0 = time.perf_counter()
            for sql in statements:
                await conn.execute(sql.replace("__A__", literal))
            log(f"  {label}: {time.perf_counter() - t0:.1f} s")

        await step("functions", DROP_FUNCTIONS + _functions(seed, base_sizes))
        await step("members, groups", identity_sql(base_sizes))
        chunk = 200_000
        for first in range(1, sizes.posts + 1, chunk):
            last = min(sizes.posts, first + chunk - 1)
            # The posts alone: the first statement of the main dataset's (no covers, likes or
            # comments: the report reads none of them).
            await step(f"posts {first}–{last}", posts_sql(base_sizes, first, last)[:1])
        await step("products, tags", products_sql() + tags_sql(sizes))
        drop, build = await _secondary(conn, "post_exposure")
        await step("post_exposure: drop indexes and foreign keys", drop)
        members = max(1, 1_000_000 // sizes.per_member)  # ~1M rows a statement
        for first in range(1, sizes.members + 1, members):
            last = min(sizes.members, first + members - 1)
            await step(f"exposures of members {first}–{last}", [exposures_sql(sizes, first, last)])
        await step("post_exposure: rebuild indexes and foreign keys", build)
        await step("purchases", purchases_sql(sizes))
        await step(
            "sequences, analyze",
            [
                "SELECT setval(pg_get_serial_sequence('post_exposure', 'id'), "
                "(SELECT max(id) FROM post_exposure))",
                "SELECT setval(pg_get_serial_sequence('post', 'id'), (SELECT max(id) FROM post))",
                "SELECT setval(pg_get_serial_sequence('member', 'id'), "
                "(SELECT max(id) FROM member))",
                *DROP_FUNCTIONS,
                "ANALYZE",
            ],
        )
        counts = await table_rows(conn)
    finally:
        await conn.close()
    log(f"  generated in {time.perf_counter() - started:.0f} s")
    return counts


async def table_rows(conn: asyncpg.Connection) -> dict[str, int]:
    return {t: int(await conn.fetchval(f"SELECT count(*) FROM {t}")) for t in COUNTED}


async def retag(database_url: str, scale: float, seed: int, kept_of_five: int) -> int:
    """Tag ``kept_of_five`` of each five tagged posts (5: the dataset's own tags); returns the
    tagged posts."""
    sizes = AttributionSizes.of(scale)
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("DROP FUNCTION IF EXISTS bench_h(bigint)")
        for sql in [*_functions(seed, Sizes.of(scale))[:1], *tags_sql(sizes, kept_of_five)]:
            await conn.execute(sql)
        await conn.execute("DROP FUNCTION bench_h(bigint); ANALYZE post_product")
        return int(await conn.fetchval("SELECT count(DISTINCT post_id) FROM post_product"))
    finally:
        await conn.close()
