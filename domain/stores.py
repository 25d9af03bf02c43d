"""Opening the stores: Redis (or the in-process fake) and the database's migrations."""

from __future__ import annotations

from typing import Any

import fakeredis
from redis.asyncio import Redis

# One in-process server per process, so every client sees the same data and pub/sub works.
_FAKE_SERVER = fakeredis.FakeServer()


def open_redis(url: str) -> Redis:
    if url.startswith("memory://"):
        return fakeredis.FakeAsyncRedis(server=_FAKE_SERVER, decode_responses=True)
    return Redis.from_url(url, decode_responses=True)


async def apply_migrations(config: dict[str, Any]) -> None:
    """Apply every migration in ``migrations/``; safe to call when nothing is pending."""
    from tortoise.migrations.api.migrate import migrate

    await migrate(config=config)


async def pending_migrations(config: dict[str, Any]) -> list[str]:
    """Names of migrations not yet applied, on the already-open default connection."""
    from tortoise.connection import get_connection
    from tortoise.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(get_connection("default"), config["apps"])
    plan = await executor.plan(None)
    return [
        f"{step.migration.app_label}.{step.migration.name}" for step in plan if not step.backward
    ]
