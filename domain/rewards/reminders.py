"""A reminder for a reward left at the pickup point: a reserved redemption has no deadline, so
its member is reminded once when it has waited ``PICKUP_REMINDER_AFTER`` uncollected. The due
jobs run hourly and hear each such redemption for a day; the listener tells the member once."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.collaborators import Collaborators
from domain.facts import hear
from domain.rewards.facts import PickupWaiting
from domain.rewards.models import Redemption, RedemptionStatus

PICKUP_REMINDER_AFTER = timedelta(days=3)
# How long after that a run still finds it (the due jobs may miss a few hours, not a day).
PICKUP_REMINDER_SEARCH = timedelta(days=1)


async def remind_uncollected(c: Collaborators, now: datetime) -> int:
    """Hear the reserved redemptions that reached the reminder age; returns how many."""
    due = now - PICKUP_REMINDER_AFTER
    waiting = await Redemption.filter(
        status=RedemptionStatus.RESERVED,
        created_at__lte=due,
        created_at__gt=due - PICKUP_REMINDER_SEARCH,
    ).select_related("reward")
    for redemption in waiting:
        fact = PickupWaiting(
            redemption.id,
            redemption.member_id,
            redemption.reward.name,
            redemption.pickup_code,
            PICKUP_REMINDER_AFTER.days,
        )
        await hear(c, fact)
    return len(waiting)
