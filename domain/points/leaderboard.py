"""Monthly points leaderboard in a Redis sorted set, updated after commit, healing itself: a
month's board is read from Redis only while its complete marker exists (see domain.stores);
otherwise it is read from the ledger and rebuilt."""

from __future__ import annotations

from datetime import datetime

from redis.asyncio import Redis
from tortoise.functions import Sum

from domain import stores
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


def board(at: datetime) -> stores.Derived:
    return stores.Derived(month_key(at), "zset")


def month_bounds(at: datetime) -> tuple[datetime, datetime]:
    local = at.astimezone(SHANGHAI)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + (start.month == 12), month=start.month % 12 + 1)
    return start, end


async def record_earned(redis: Redis, member_id: int, amount: int, at: datetime) -> None:
    if amount > 0:
        await stores.increment(redis, board(at), str(member_id), amount)


async def doubt_earned(redis: Redis, at: datetime) -> None:
    """An earning whose commit's outcome is unknown: the month's board is rebuilt from the
    ledger on its next read, whichever way the commit went."""
    await stores.mark_incomplete(redis, board(at))


async def top(redis: Redis, at: datetime, count: int) -> list[tuple[int, int]]:
    from_database = await stores.heal(redis, board(at), _loader(at))
    if from_database is not None:
        return [(int(m), score) for m, score in stores.ranked(from_database)[:count]]
    rows: list[tuple[str, float]] = await redis.zrevrange(  # type: ignore[assignment]
        month_key(at), 0, count - 1, withscores=True
    )
    return [(int(member), int(score)) for member, score in rows]


async def rank_of(redis: Redis, at: datetime, member_id: int) -> tuple[int, int] | None:
    from_database = await stores.heal(redis, board(at), _loader(at))
    if from_database is not None:
        return _rank_in(from_database, member_id)
    key = month_key(at)
    async with redis.pipeline(transaction=False) as pipe:  # one round trip
        pipe.zrevrank(key, str(member_id))
        pipe.zscore(key, str(member_id))
        rank, score = await pipe.execute()
    if rank is None:
        return None
    return int(rank) + 1, int(score or 0)


async def read_complete(
    redis: Redis, at: datetime, count: int, member_id: int | None, prefix: str = ""
) -> stores.Standing | None:
    """``top`` and ``rank_of`` in one round trip while the month's board is complete, else None
    (``top`` then heals it), with the values kept under ``prefix`` + each top member's id."""
    member = str(member_id) if member_id is not None else None
    found = await stores.ranks_if_complete(redis, board(at), count, member, prefix)
    if found is None:
        return None
    return stores.Standing([(int(m), score) for m, score in found.top], found.placed, found.kept)


def _rank_in(values: dict[str, int], member_id: int) -> tuple[int, int] | None:
    for n, (member, score) in enumerate(stores.ranked(values), start=1):
        if member == str(member_id):
            return n, score
    return None


def _loader(at: datetime) -> stores.Loader:
    async def load() -> dict[str, int]:
        return await earned_in_month(at)

    return load


async def earned_in_month(at: datetime) -> dict[str, int]:
    """Each member's earned points in the month of ``at``, from the ledger."""
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
    return {str(member): int(total) for member, total in rows}


async def ensure_complete(redis: Redis, at: datetime) -> bool:
    """Rebuild this month's board if it is not complete; returns whether it had to."""
    return await stores.heal(redis, board(at), _loader(at)) is not None


async def rebuild(redis: Redis, at: datetime) -> int:
    """Recompute this month's board from the ledger; returns how many members are on it."""
    return len(await stores.rebuild(redis, board(at), _loader(at)))
