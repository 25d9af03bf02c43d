"""The fixed-window counters every mutation passes: one script counts all of a request's limits."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from domain.errors import RateLimitedError
from domain.ratelimit import Limit, hit, hit_all, limit_key

pytestmark = pytest.mark.asyncio

MINUTE = Limit("test-minute", 2, 60)
HOUR = Limit("test-hour", 3, 3600)


async def test_each_limit_counts_its_own_window_and_refuses_past_its_count(redis: Redis) -> None:
    await hit(redis, MINUTE, "7")
    await hit(redis, MINUTE, "7")
    with pytest.raises(RateLimitedError) as refused:
        await hit(redis, MINUTE, "7")
    assert 1 <= refused.value.retry_after_seconds <= 60
    assert await redis.get(limit_key(MINUTE, "7")) == "3"
    assert 0 < await redis.ttl(limit_key(MINUTE, "7")) <= 60
    await hit(redis, MINUTE, "8")  # another subject has its own counter


async def test_every_limit_is_counted_before_refusing_with_the_longest_wait(redis: Redis) -> None:
    for _ in range(2):
        await hit_all(redis, [(MINUTE, "7"), (HOUR, "7")])
    with pytest.raises(RateLimitedError):
        await hit_all(redis, [(MINUTE, "7"), (HOUR, "7")])  # the minute's third: refused
    assert await redis.get(limit_key(HOUR, "7")) == "3"  # the hour still counted it
    with pytest.raises(RateLimitedError) as refused:
        await hit_all(redis, [(MINUTE, "7"), (HOUR, "7")])  # both past their counts
    assert refused.value.retry_after_seconds > 60  # the hour's wait, the longer one


async def test_a_window_is_not_extended_by_later_hits(redis: Redis) -> None:
    await hit(redis, HOUR, "7")
    await redis.expire(limit_key(HOUR, "7"), 100)  # the window's end, as time passes
    await hit(redis, HOUR, "7")
    assert 90 < await redis.ttl(limit_key(HOUR, "7")) <= 100


async def test_a_redis_that_forgot_the_script_still_counts(redis: Redis) -> None:
    await hit(redis, MINUTE, "7")
    await redis.script_flush()  # as after a restart
    await hit(redis, MINUTE, "7")
    assert await redis.get(limit_key(MINUTE, "7")) == "2"
