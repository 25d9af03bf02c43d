"""推荐之星: members by qualified referrals, in a Redis sorted set, updated after commit and
healing itself: read from Redis only while its complete marker exists (see domain.stores),
otherwise counted in PostgreSQL and rebuilt."""

from __future__ import annotations

from redis.asyncio import Redis
from tortoise.functions import Count

from domain import stores
from domain.referrals.models import Referral, ReferralStatus

KEY = "lb:referrals"
BOARD = stores.Derived(KEY, "zset")


async def record_qualified(redis: Redis, referrer_id: int) -> None:
    await stores.increment(redis, BOARD, str(referrer_id), 1)


async def doubt_qualified(redis: Redis) -> None:
    """A qualification whose commit's outcome is unknown: rebuilt on the board's next read."""
    await stores.mark_incomplete(redis, BOARD)


async def top(redis: Redis, count: int) -> list[tuple[int, int]]:
    from_database = await stores.heal(redis, BOARD, qualified_counts)
    if from_database is not None:
        return [(int(m), n) for m, n in stores.ranked(from_database)[:count]]
    rows: list[tuple[str, float]] = await redis.zrevrange(  # type: ignore[assignment]
        KEY, 0, count - 1, withscores=True
    )
    return [(int(member), int(score)) for member, score in rows]


async def rank_of(redis: Redis, member_id: int) -> tuple[int, int] | None:
    from_database = await stores.heal(redis, BOARD, qualified_counts)
    if from_database is not None:
        for n, (member, count) in enumerate(stores.ranked(from_database), start=1):
            if member == str(member_id):
                return n, count
        return None
    rank: int | None = await redis.zrevrank(KEY, str(member_id))  # type: ignore[assignment]
    if rank is None:
        return None
    score: float | None = await redis.zscore(KEY, str(member_id))
    return rank + 1, int(score or 0)


async def read_complete(
    redis: Redis, count: int, member_id: int | None, prefix: str = ""
) -> stores.Standing | None:
    """``top`` and ``rank_of`` in one round trip while the board is complete, else None (``top``
    then heals it), with the values kept under ``prefix`` + each top member's id."""
    member = str(member_id) if member_id is not None else None
    found = await stores.ranks_if_complete(redis, BOARD, count, member, prefix)
    if found is None:
        return None
    return stores.Standing([(int(m), n) for m, n in found.top], found.placed, found.kept)


async def qualified_counts() -> dict[str, int]:
    rows = (
        await Referral.filter(status=ReferralStatus.REWARDED)
        .group_by("referrer_id")
        .annotate(qualified=Count("id"))
        .values_list("referrer_id", "qualified")
    )
    return {str(member): int(n) for member, n in rows}


async def ensure_complete(redis: Redis) -> bool:
    return await stores.heal(redis, BOARD, qualified_counts) is not None


async def rebuild(redis: Redis) -> int:
    """Recount qualified referrals per referrer; returns how many members are on the board."""
    return len(await stores.rebuild(redis, BOARD, qualified_counts))
