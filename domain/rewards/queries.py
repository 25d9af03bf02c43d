"""Points-mall reads shared by GraphQL and the portal: the reward and redemption pages, and a
member's redeemed quantities for a page of rewards in one statement."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from domain.rewards.models import Redemption, RedemptionStatus, Reward
from domain.written import (
    aliased_columns,
    built,
    built_with,
    columns,
    db_value,
    int_list,
    mark,
    one_of_ints,
    rows,
)

LIVE = (RedemptionStatus.RESERVED, RedemptionStatus.FULFILLED)


def open_for_redemption(p: str, now: int) -> str:
    """``rules.is_available`` as SQL over the ``reward`` table, and not retired: the rewards a
    member may redeem at the time bound as parameter ``now`` (``db_value`` of
    ``available_from``). The stock update of a redemption requires the same."""
    return (
        f'"active" AND "retired_at" IS NULL '
        f'AND ("available_from" IS NULL OR "available_from" <= {p}{now}) '
        f'AND ("available_until" IS NULL OR "available_until" > {p}{now})'
    )


async def available_rewards_page(now: datetime, after_id: int | None, first: int) -> list[Reward]:
    """Rewards open for redemption at ``now``, oldest first; ``first + 1`` rows so the caller
    knows whether there is a next page."""
    p = mark()
    found = await rows(
        _available_sql(p, after_id is not None),
        [db_value(Reward, "available_from", now), first + 1]
        + ([after_id] if after_id is not None else []),
    )
    return [built(Reward, row) for row in found]


# The mall's page and a member's redemptions, written once: the portal's mall and the
# mini-program's Rewards and MyRedemptions read them on every visit.
@cache
def _available_sql(p: str, after: bool) -> str:
    later = f' AND "id" > {p}3' if after else ""
    return (
        f'SELECT {columns(Reward)} FROM "{Reward._meta.db_table}" '  # noqa: S608
        f'WHERE {open_for_redemption(p, 1)}{later} ORDER BY "id" LIMIT {p}2'
    )


async def live_quantities(member_id: int, reward_ids: list[int]) -> dict[int, int]:
    """How many of each reward the member holds or has picked up (cancelled ones do not count);
    rewards the member never redeemed are left out. One written statement: through the query
    builder, building its grouped sum cost more than the rest of the mall's page."""
    if not reward_ids:
        return {}
    p = mark()
    found = await rows(_live_sql(p), [member_id, int_list(p, reward_ids)])
    return {int(row["reward_id"]): int(row["total"] or 0) for row in found}


@cache
def _live_sql(p: str) -> str:
    live = ", ".join(f"'{status.value}'" for status in LIVE)
    return (
        f'SELECT "reward_id", SUM("quantity") AS "total" FROM "{Redemption._meta.db_table}" '  # noqa: S608
        f'WHERE "member_id" = {p}1 AND "reward_id" {one_of_ints(p, 2)} AND "status" IN ({live}) '
        f'GROUP BY "reward_id"'
    )


async def redemptions_page(member_id: int, after_id: int | None, first: int) -> list[Redemption]:
    """The member's redemptions with their rewards, newest first; ``first + 1`` rows."""
    params = [member_id, first + 1] + ([after_id] if after_id is not None else [])
    found = await rows(_redemptions_sql(mark(), after_id is not None), params)
    return [built_with(Redemption, row, "r", reward=(Reward, "w")) for row in found]


@cache
def _redemptions_sql(p: str, after: bool) -> str:
    """What ``Redemption.filter(member_id=…).order_by("-id").limit(…).select_related("reward")``
    sends."""
    earlier = f' AND r."id" < {p}3' if after else ""
    return (
        f"SELECT {aliased_columns('r', Redemption)}, {aliased_columns('w', Reward)} "  # noqa: S608
        f'FROM "{Redemption._meta.db_table}" r '
        f'JOIN "{Reward._meta.db_table}" w ON w."id" = r."reward_id" '
        f'WHERE r."member_id" = {p}1{earlier} ORDER BY r."id" DESC LIMIT {p}2'
    )


async def get_reward(reward_id: int) -> Reward | None:
    """Any reward, retired ones too (the back office)."""
    return await Reward.get_or_none(id=reward_id)


async def list_rewards() -> list[Reward]:
    """Every reward, newest first: the back office's list."""
    return list(await Reward.all().order_by("-id"))


async def get_own_redemption(redemption_id: int, member_id: int) -> Redemption | None:
    """The member's redemption with its reward; someone else's looks like a missing one."""
    return (
        await Redemption.filter(id=redemption_id, member_id=member_id)
        .select_related("reward")
        .first()
    )


async def waiting_redemptions(member_id: int, limit: int) -> list[Redemption]:
    """Redemptions waiting at the pickup point, newest first, with their rewards."""
    return list(
        await Redemption.filter(member_id=member_id, status=RedemptionStatus.RESERVED)
        .order_by("-id")
        .limit(limit)
        .select_related("reward")
    )
