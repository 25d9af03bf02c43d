"""The week's hot searches: a Redis sorted set per ISO week (Shanghai calendar), each search
counted once, read back as the week's top ten."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from domain.collaborators import Collaborators

log = logging.getLogger("linli.search")

HOT_SIZE = 10
_KEPT_SECONDS = 15 * 24 * 3600  # a week's set outlives its week by a week


def _week_key(c: Collaborators) -> str:
    year, week, _ = c.clock.today().isocalendar()
    return f"search:hot:{year}-W{week:02d}"


async def count_search(c: Collaborators, query: str) -> None:
    """Count one search; Redis away loses the count, never the search."""
    key = _week_key(c)
    try:
        async with c.redis.pipeline(transaction=True) as pipe:
            pipe.zincrby(key, 1, query)
            pipe.expire(key, _KEPT_SECONDS)
            await pipe.execute()
    except RedisError as error:
        log.warning("hot search not counted: %s", error)


async def hot_searches(c: Collaborators) -> list[str]:
    """This week's most searched queries, most first."""
    return [str(q) for q in await c.redis.zrevrange(_week_key(c), 0, HOT_SIZE - 1)]
