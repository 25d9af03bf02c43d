"""``/healthz``: the database and Redis answer and no migration is pending. It answers within a
second whatever the stores do: each check has its own short timeout and says which dependency
is slow (``timeout``) or down (``error: …``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise.connection import get_connection

from domain.stores import pending_migrations
from settings import tortoise_config


async def _database(database_url: str) -> dict[str, str]:
    await get_connection("default").execute_query("SELECT 1")
    pending = await pending_migrations(tortoise_config(database_url))
    return {
        "database": "ok",
        "migrations": "ok" if not pending else f"pending: {', '.join(pending)}",
    }


async def _redis(redis: Any) -> dict[str, str]:
    await redis.ping()
    return {"redis": "ok"}


async def _check(name: str, work: Awaitable[dict[str, str]], seconds: float) -> dict[str, str]:
    started = time.monotonic()
    try:
        return await asyncio.wait_for(work, seconds)
    except TimeoutError:
        return {name: f"timeout: no answer in {time.monotonic() - started:.1f}s"}
    except Exception as error:
        return {name: f"error: {type(error).__name__}"}


async def healthz(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    seconds = settings.stores.health_check_seconds
    results = await asyncio.gather(  # both at once: the answer takes the slowest check's time
        _check("database", _database(settings.database_url), seconds),
        _check("redis", _redis(request.app.state.collaborators.redis), seconds),
    )
    checks = {name: value for result in results for name, value in result.items()}
    healthy = all(value == "ok" for value in checks.values()) and "migrations" in checks
    return JSONResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status_code=200 if healthy else 503,
    )
