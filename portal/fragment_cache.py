"""A few seconds of Redis for fragments that are the same for every viewer (the feed's next page
under infinite scroll): the rendered HTML under a key made of the parsed parameters, never of
the raw query string, so odd URLs cannot fill the cache."""

from __future__ import annotations

from redis.asyncio import Redis
from starlette.responses import HTMLResponse, Response

PREFIX = "frag:"
TTL_SECONDS = 5  # how stale a scrolled page's counters may be


async def cached(redis: Redis, key: str) -> Response | None:
    body = await redis.get(PREFIX + key)
    if body is None:
        return None
    return HTMLResponse(body)


async def keep(redis: Redis, key: str, response: Response) -> Response:
    if response.status_code == 200:
        await redis.set(PREFIX + key, bytes(response.body).decode(), ex=TTL_SECONDS)
    return response
