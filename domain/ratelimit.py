"""Fixed-window rate limits kept in Redis, shared by every worker."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from domain.errors import RateLimitedError


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window_seconds: int


def limit_key(limit: Limit, subject: str) -> str:
    """The Redis key counting ``subject``'s attempts in the current window."""
    return f"rl:{limit.name}:{subject}"


# KEYS: one counter per limit; ARGV: each counter's window in seconds. Every counter is
# incremented (its window starts at its first hit) and answers its count and seconds left.
_HIT = """
local counted = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[i], 'NX')
  counted[2 * i - 1] = count
  counted[2 * i] = redis.call('TTL', key)
end
return counted
"""
_HIT_SHA = hashlib.sha1(_HIT.encode(), usedforsecurity=False).hexdigest()  # Redis's name


async def hit(redis: Redis, limit: Limit, subject: str) -> None:
    """Count one attempt by ``subject``; raise ``RateLimitedError`` past ``limit.count``."""
    await hit_all(redis, [(limit, subject)])


async def hit_all(redis: Redis, checks: list[tuple[Limit, str]]) -> None:
    """Count against every limit first, so a flood is counted on each key, then refuse (with
    the longest wait). One script counts them all in one round trip: every mutation passes
    here, and a MULTI pipeline of three commands per limit cost more than the rest of a like."""
    if not checks:
        return
    keys = [limit_key(limit, subject) for limit, subject in checks]
    windows = [limit.window_seconds for limit, _ in checks]
    try:
        counted: Any = await redis.evalsha(_HIT_SHA, len(keys), *keys, *windows)
    except NoScriptError:  # a restarted Redis forgot it: EVAL loads it again
        counted = await redis.eval(_HIT, len(keys), *keys, *windows)
    refused: RateLimitedError | None = None
    for i, (limit, _) in enumerate(checks):
        count, ttl = int(counted[2 * i]), int(counted[2 * i + 1])
        if count > limit.count and (refused is None or ttl > refused.retry_after_seconds):
            refused = RateLimitedError(retry_after_seconds=max(ttl, 1))
    if refused is not None:
        raise refused


MUTATIONS = "mutations"  # every mutation of a member, whatever it does (PRODUCT.md § Limits)


async def hit_member_mutations(redis: Redis, member_id: int, per_minute: int = 30) -> None:
    """Count one mutation by the member; ``RateLimitedError`` past ``per_minute`` in the window.
    The edge counts every mutation here before it runs; a mutation that must answer something
    first (a replayed idempotency key) is exempted there and calls this itself."""
    await hit(redis, Limit(MUTATIONS, per_minute, 60), str(member_id))
