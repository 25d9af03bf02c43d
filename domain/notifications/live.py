"""The unread count's live channel: after notifications are written, each recipient's channel
``notifications:<member>`` gets a ping; followers (the portal's SSE bell, the GraphQL
subscription) read what changed. A ping lost with Redis costs only liveness: the count is read
from the database."""

from __future__ import annotations

from collections.abc import Iterable

from redis.asyncio import Redis

PUBLISH_BATCH = 500


def channel(member_id: int) -> str:
    return f"notifications:{member_id}"


async def ping(redis: Redis, member_ids: Iterable[int]) -> None:
    ids = list(member_ids)
    for start in range(0, len(ids), PUBLISH_BATCH):
        async with redis.pipeline(transaction=False) as pipe:
            for member_id in ids[start : start + PUBLISH_BATCH]:
                pipe.publish(channel(member_id), "1")
            await pipe.execute()
