"""Fixed-window rate limits kept in Redis, shared by every worker."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from domain.errors import RateLimitedError


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window_seconds: int


def limit_key(limit: Limit, subject: str) -> str:
    """The Redis key counting ``subject``'s attempts in the current window."""
    return f"rl:{limit.name}:{subject}"


async def hit(redis: Redis, limit: Limit, subject: str) -> None:
    """Count one attempt by ``subject``; raise ``RateLimitedError`` past ``limit.count``."""
    key = limit_key(limit, subject)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, limit.window_seconds, nx=True)
        pipe.ttl(key)
        count, _, ttl = await pipe.execute()
    if int(count) > limit.count:
        raise RateLimitedError(retry_after_seconds=max(int(ttl), 1))


async def hit_all(redis: Redis, checks: list[tuple[Limit, str]]) -> None:
    """Count against every limit first, so a flood is counted on each key, then refuse."""
    refused: RateLimitedError | None = None
    for limit, subject in checks:
        try:
            await hit(redis, limit, subject)
        except RateLimitedError as error:
            if refused is None or error.retry_after_seconds > refused.retry_after_seconds:
                refused = error
    if refused is not None:
        raise refused


MUTATIONS = "mutations"  # every mutation of a member, whatever it does (PRODUCT.md § Limits)


async def hit_member_mutations(redis: Redis, member_id: int, per_minute: int = 30) -> None:
    """Count one mutation by the member; ``RateLimitedError`` past ``per_minute`` in the window.
    The edge counts every mutation here before it runs; a mutation that must answer something
    first (a replayed idempotency key) is exempted there and calls this itself."""
    await hit(redis, Limit(MUTATIONS, per_minute, 60), str(member_id))
