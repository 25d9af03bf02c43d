"""Monthly points leaderboard in a Redis sorted set, updated after commit, rebuildable."""

from __future__ import annotations

from datetime import datetime

from redis.asyncio import Redis
from tortoise.functions import Sum

from domain.clock import SHANGHAI
from domain.points.models import LedgerEntry, LedgerReason

# Points that count as "earned": contributions and purchases, not refunds or corrections.
EARNING_REASONS = {
    LedgerReason.POST_PUBLISHED,
    LedgerReason.POST_FEATURED,
    LedgerReason.VOTE_CAST,
    LedgerReason.CHECK_IN,
    LedgerReason.EVENT_ATTENDED,
    LedgerReason.CAMPAIGN_WON,
    LedgerReason.REFERRAL,
    LedgerReason.PURCHASE,
}


def month_key(at: datetime) -> str:
    return f"lb:points:{at.astimezone(SHANGHAI):%Y-%m}"


def month_bounds(at: datetime) -> tuple[datetime, datetime]:
    local = at.astimezone(SHANGHAI)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + (start.month == 12), month=start.month % 12 + 1)
    return start, end


async def record_earned(redis: Redis, member_id: int, amount: int, at: datetime) -> None:
    if amount > 0:
        await redis.zincrby(month_key(at), amount, str(member_id))


async def top(redis: Redis, at: datetime, count: int) -> list[tuple[int, int]]:
    rows: list[tuple[str, float]] = await redis.zrevrange(  # type: ignore[assignment]
        month_key(at), 0, count - 1, withscores=True
    )
    return [(int(member), int(score)) for member, score in rows]


async def rank_of(redis: Redis, at: datetime, member_id: int) -> tuple[int, int] | None:
    key = month_key(at)
    async with redis.pipeline(transaction=False) as pipe:  # one round trip
        pipe.zrevrank(key, str(member_id))
        pipe.zscore(key, str(member_id))
        rank, score = await pipe.execute()
    if rank is None:
        return None
    return int(rank) + 1, int(score or 0)


async def rebuild(redis: Redis, at: datetime) -> int:
    """Recompute this month's board from the ledger; returns how many members are on it."""
    start, end = month_bounds(at)
    rows = (
        await LedgerEntry.filter(
            created_at__gte=start,
            created_at__lt=end,
            amount__gt=0,
            reason__in=list(EARNING_REASONS),
        )
        .group_by("member_id")
        .annotate(total=Sum("amount"))
        .values_list("member_id", "total")
    )
    key = month_key(at)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(key)
        if rows:
            pipe.zadd(key, {str(member): int(total) for member, total in rows})
        await pipe.execute()
    return len(rows)
