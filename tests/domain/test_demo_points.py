"""The demo's points and mall are written through the real services and reconcile cleanly."""

from __future__ import annotations

from domain import demo
from domain.collaborators import Collaborators
from domain.demo_points import DEMO_REWARDS, seed_points_demo
from domain.points.reconcile import reconcile
from domain.rewards.models import Redemption, Reward


async def test_the_demo_mall_has_ten_rewards_with_redemptions_and_reconciles(
    collaborators: Collaborators,
) -> None:
    await demo.seed_demo(collaborators.clock)
    made = await seed_points_demo(collaborators)
    assert made["rewards"] == len(DEMO_REWARDS) == 10 == await Reward.all().count()
    assert made["redeemed"] == await Redemption.all().count() > 10
    assert made["check_ins"] > 50 and made["bonuses"] == 80
    assert await Reward.filter(stock__lte=2).exists()  # some nearly sold out
    report = await reconcile()
    assert report.clean, report.mismatches
