"""Races on PostgreSQL with separate connections: no oversold reward, no double spend, one answer
per idempotency key, one refund per cancel, one check-in per day."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from domain.collaborators import Collaborators
from domain.errors import DomainError
from domain.points import services as points
from domain.points.errors import AlreadyCheckedInError, InsufficientPointsError
from domain.points.models import CheckIn, LedgerEntry, LedgerReason, PointsAccount
from domain.points.reconcile import reconcile
from domain.rewards import services as rewards
from domain.rewards.errors import NotCancellableError, RewardSoldOutError
from domain.rewards.models import Redemption, Reward
from settings import Limits
from tests.domain.points_helpers import fund, make_reward
from tests.factories import make_member

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def unthrottled(collaborators: Collaborators) -> Collaborators:
    """The database, not the per-minute rate limit, must be what refuses these."""
    settings = replace(collaborators.settings, limits=Limits(redemptions_per_minute=100_000))
    return replace(collaborators, settings=settings)


async def test_two_hundred_members_racing_for_five_items_get_exactly_five(
    unthrottled: Collaborators,
) -> None:
    members = [await make_member() for _ in range(200)]
    for member in members:
        await fund(unthrottled, member, 100)
    reward = await make_reward(unthrottled, cost=30, stock=5)
    results = await asyncio.gather(
        *(rewards.redeem_reward(unthrottled, m, reward.id, 1, f"race-{m.id:06d}") for m in members),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, Redemption)]
    sold_out = [r for r in results if isinstance(r, RewardSoldOutError)]
    assert (len(won), len(sold_out)) == (5, 195), [
        r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)
    ][:3]
    assert (await Reward.get(id=reward.id)).stock == 0
    assert await Redemption.all().count() == 5
    assert (await reconcile()).clean


async def test_fifty_concurrent_redemptions_cannot_overspend_one_balance(
    unthrottled: Collaborators,
) -> None:
    member = await make_member()
    await fund(unthrottled, member, 100)
    reward = await make_reward(unthrottled, cost=30, stock=1000)
    results = await asyncio.gather(
        *(
            rewards.redeem_reward(unthrottled, member, reward.id, 1, f"spend-{n:04d}")
            for n in range(50)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Redemption) for r in results) == 3
    assert sum(isinstance(r, InsufficientPointsError) for r in results) == 47
    assert (await PointsAccount.get(member_id=member.id)).balance == 10
    assert (await Reward.get(id=reward.id)).stock == 997
    assert (await reconcile()).clean


async def test_one_key_sent_twenty_times_at_once_and_twenty_in_turn_redeems_once(
    unthrottled: Collaborators,
) -> None:
    member = await make_member()
    await fund(unthrottled, member, 100)
    reward = await make_reward(unthrottled, cost=30, stock=50)
    at_once = await asyncio.gather(
        *(
            rewards.redeem_reward(unthrottled, member, reward.id, 1, "one-key-0001")
            for _ in range(20)
        )
    )
    in_turn = [
        await rewards.redeem_reward(unthrottled, member, reward.id, 1, "one-key-0001")
        for _ in range(20)
    ]
    answers = {(r.id, r.pickup_code, r.points_spent) for r in [*at_once, *in_turn]}
    assert len(answers) == 1
    assert await Redemption.all().count() == 1
    assert (await PointsAccount.get(member_id=member.id)).balance == 70
    assert await LedgerEntry.filter(reason=LedgerReason.REDEMPTION).count() == 1


async def test_fifty_concurrent_cancels_refund_once(unthrottled: Collaborators) -> None:
    member = await make_member()
    await fund(unthrottled, member, 100)
    reward = await make_reward(unthrottled, cost=30, stock=5)
    redemption = await rewards.redeem_reward(unthrottled, member, reward.id, 1, "cancel-race-1")
    results = await asyncio.gather(
        *(rewards.cancel_redemption(unthrottled, member, redemption.id) for _ in range(50)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Redemption) for r in results) == 1
    assert sum(isinstance(r, NotCancellableError) for r in results) == 49
    assert (await PointsAccount.get(member_id=member.id)).balance == 100
    assert await LedgerEntry.filter(reason=LedgerReason.REDEMPTION_REFUND).count() == 1
    assert (await Reward.get(id=reward.id)).stock == 5
    assert (await reconcile()).clean


async def test_twenty_concurrent_check_ins_on_one_day_award_once(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    results = await asyncio.gather(
        *(points.check_in(collaborators, member) for _ in range(20)), return_exceptions=True
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert sum(isinstance(r, AlreadyCheckedInError) for r in results) == 19
    assert await CheckIn.filter(member_id=member.id).count() == 1
    assert (await PointsAccount.get(member_id=member.id)).balance == 2


async def test_concurrent_awards_for_one_reference_apply_once(collaborators: Collaborators) -> None:
    member = await make_member()
    results = await asyncio.gather(
        *(
            points.award_points(collaborators, member.id, "post_featured", "post:1")
            for _ in range(20)
        )
    )
    assert sum(r is not None for r in results) == 1
    assert (await PointsAccount.get(member_id=member.id)).balance == 50
