"""推荐之星: members by qualified referrals, in a Redis sorted set, updated after commit and
rebuildable from PostgreSQL at any time."""

from __future__ import annotations

from redis.asyncio import Redis
from tortoise.functions import Count

from domain.referrals.models import Referral, ReferralStatus

KEY = "lb:referrals"


async def record_qualified(redis: Redis, referrer_id: int) -> None:
    await redis.zincrby(KEY, 1, str(referrer_id))


async def top(redis: Redis, count: int) -> list[tuple[int, int]]:
    rows: list[tuple[str, float]] = await redis.zrevrange(  # type: ignore[assignment]
        KEY, 0, count - 1, withscores=True
    )
    return [(int(member), int(score)) for member, score in rows]


async def rank_of(redis: Redis, member_id: int) -> tuple[int, int] | None:
    rank: int | None = await redis.zrevrank(KEY, str(member_id))  # type: ignore[assignment]
    if rank is None:
        return None
    score: float | None = await redis.zscore(KEY, str(member_id))
    return rank + 1, int(score or 0)


async def rebuild(redis: Redis) -> int:
    """Recount qualified referrals per referrer; returns how many members are on the board."""
    rows = (
        await Referral.filter(status=ReferralStatus.REWARDED)
        .group_by("referrer_id")
        .annotate(qualified=Count("id"))
        .values_list("referrer_id", "qualified")
    )
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(KEY)
        if rows:
            pipe.zadd(KEY, {str(member): int(n) for member, n in rows})
        await pipe.execute()
    return len(rows)
