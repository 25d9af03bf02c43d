"""The demo's points and mall are written through the real services and reconcile cleanly."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from demo import residents
from demo.points import DEMO_REWARDS, _check_in_streaks, seed_points_demo
from domain.clock import SHANGHAI, FrozenClock
from domain.collaborators import Collaborators
from domain.points.models import CheckIn
from domain.points.reconcile import reconcile
from domain.rewards.models import Redemption, Reward
from tests.factories import make_member


async def test_the_demo_mall_has_ten_rewards_with_redemptions_and_reconciles(
    collaborators: Collaborators,
) -> None:
    await residents.seed_demo(collaborators.clock)
    made = await seed_points_demo(collaborators)
    assert made["rewards"] == len(DEMO_REWARDS) == 10 == await Reward.all().count()
    assert made["redeemed"] == await Redemption.all().count() > 10
    assert made["check_ins"] > 50 and made["bonuses"] == 80
    assert await Reward.filter(stock__lte=2).exists()  # some nearly sold out
    assert not await Reward.filter(image_url__isnull=True).exists()  # each with its photo
    report = await reconcile()
    assert report.clean, report.mismatches


async def test_the_check_in_streaks_seed_at_any_hour_of_the_shanghai_day(
    collaborators: Collaborators,
) -> None:
    """Seeded in the Shanghai afternoon, two check-ins must never fall on one calendar day."""
    for hour in (0, 13, 23):  # Shanghai hours, as UTC on the test day
        afternoon = FrozenClock(datetime(2026, 11, 21, hour, 30, tzinfo=SHANGHAI))
        members = [await make_member() for _ in range(6)]
        done = await _check_in_streaks(
            replace(collaborators, clock=afternoon), members, random.Random(hour)
        )
        assert done == await CheckIn.filter(member_id__in=[m.id for m in members]).count()
        days = await CheckIn.filter(member_id__in=[m.id for m in members]).values_list(
            "member_id", "day"
        )
        assert len(set(days)) == len(days) and all(day < afternoon.today() for _, day in days)
