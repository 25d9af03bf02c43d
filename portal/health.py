"""``/healthz``: the database and Redis answer and no migration is pending."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise.connection import get_connection

from domain.stores import pending_migrations
from settings import tortoise_config


async def healthz(request: Request) -> JSONResponse:
    checks: dict[str, str] = {}
    settings = request.app.state.settings
    try:
        await get_connection("default").execute_query("SELECT 1")
        pending = await pending_migrations(tortoise_config(settings.database_url))
        checks["database"] = "ok"
        checks["migrations"] = "ok" if not pending else f"pending: {', '.join(pending)}"
    except Exception as error:
        checks["database"] = f"error: {type(error).__name__}"
    try:
        await request.app.state.collaborators.redis.ping()
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in checks.values()) and "migrations" in checks
    return JSONResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status_code=200 if healthy else 503,
    )
