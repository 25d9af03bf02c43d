"""Shared setup for points and rewards tests."""

from __future__ import annotations

from datetime import datetime

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.points.services import award_points
from domain.rewards.models import Reward


async def fund(c: Collaborators, member: Member, points: int, ref: str = "fund") -> None:
    """Uncapped points that are available at once (a campaign win of ``points``)."""
    await award_points(c, member.id, "campaign_won", ref, amount=points)


async def make_reward(
    c: Collaborators,
    *,
    cost: int = 30,
    stock: int = 10,
    limit: int | None = None,
    name: str = "隅田川挂耳咖啡",
    available_until: datetime | None = None,
) -> Reward:
    return await Reward.create(
        name=name,
        description="一盒十包",
        cost_points=cost,
        stock=stock,
        initial_stock=stock,
        per_member_limit=limit,
        created_at=c.clock.now(),
        available_until=available_until,
    )
