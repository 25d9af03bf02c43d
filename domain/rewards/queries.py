"""Points-mall reads shared by GraphQL and the portal: the reward and redemption pages, and a
member's redeemed quantities for a page of rewards in one statement."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q
from tortoise.functions import Sum

from domain.rewards.models import Redemption, RedemptionStatus, Reward

LIVE = (RedemptionStatus.RESERVED, RedemptionStatus.FULFILLED)


def open_for_redemption(now: datetime) -> Q:
    """``rules.is_available`` as SQL, and not retired: the rewards a member may redeem now."""
    return Q(
        Q(active=True),
        Q(retired_at__isnull=True),
        Q(available_from__isnull=True) | Q(available_from__lte=now),
        Q(available_until__isnull=True) | Q(available_until__gt=now),
    )


async def available_rewards_page(now: datetime, after_id: int | None, first: int) -> list[Reward]:
    """Rewards open for redemption at ``now``, oldest first; ``first + 1`` rows so the caller
    knows whether there is a next page."""
    query = Reward.filter(open_for_redemption(now))
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return await query.order_by("id").limit(first + 1)


async def live_quantities(member_id: int, reward_ids: list[int]) -> dict[int, int]:
    """How many of each reward the member holds or has picked up (cancelled ones do not count)."""
    if not reward_ids:
        return {}
    rows = (
        await Redemption.filter(member_id=member_id, reward_id__in=reward_ids, status__in=LIVE)
        .group_by("reward_id")
        .annotate(total=Sum("quantity"))
        .values_list("reward_id", "total")
    )
    return {int(reward_id): int(total or 0) for reward_id, total in rows}


async def redemptions_page(member_id: int, after_id: int | None, first: int) -> list[Redemption]:
    """The member's redemptions with their rewards, newest first; ``first + 1`` rows."""
    query = Redemption.filter(member_id=member_id)
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    return await query.order_by("-id").limit(first + 1).select_related("reward")


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
