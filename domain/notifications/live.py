"""The unread count's live channel: after notifications are written, each recipient's channel
``notifications:<member>`` gets a ping; followers (the portal's SSE bell, the GraphQL
subscription) read what changed. A ping lost with Redis costs only liveness: the count is read
from the database."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Iterable

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

PUBLISH_BATCH = 500
FOLLOW_INTERVAL = 1.0  # seconds: a follower hears of a burst once


def channel(member_id: int) -> str:
    return f"notifications:{member_id}"


async def ping(redis: Redis, member_ids: Iterable[int]) -> None:
    ids = list(member_ids)
    for start in range(0, len(ids), PUBLISH_BATCH):
        async with redis.pipeline(transaction=False) as pipe:
            for member_id in ids[start : start + PUBLISH_BATCH]:
                pipe.publish(channel(member_id), "1")
            await pipe.execute()


async def follow(
    redis: Redis, member_id: int, min_interval: float = FOLLOW_INTERVAL
) -> AsyncGenerator[None, None]:
    """Yields once as soon as the member's channel is followed (read the state now: no ping can
    fall between that read and the first wait), then after each ping, at most once every
    ``min_interval`` seconds: a burst of pings is one yield."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(channel(member_id))
    try:
        yield None
        last = float("-inf")
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is None:
                continue
            deadline = last + min_interval
            while (left := deadline - time.monotonic()) > 0:
                await pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            await _drain(pubsub)
            yield None
            last = time.monotonic()
    finally:
        await pubsub.unsubscribe(channel(member_id))
        await pubsub.aclose()


async def _drain(pubsub: PubSub) -> None:
    """Drop the pings already waiting: the next read sees what they announced."""
    while await pubsub.get_message(ignore_subscribe_messages=True, timeout=0) is not None:
        pass
