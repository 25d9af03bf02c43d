"""Retries on PostgreSQL with separate connections: a retry that arrives while the first request
is still inside its transaction waits for it on the idempotency key and answers its result,
whatever the rate limit says."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from tortoise.transactions import in_transaction

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.points.models import LedgerEntry, PointsAccount
from domain.points.reconcile import reconcile
from domain.rewards import services
from domain.rewards.models import IdempotencyRecord, Redemption, Reward
from settings import Limits
from tests.domain.points_helpers import fund, make_reward
from tests.factories import make_member

pytestmark = pytest.mark.postgres_only


async def _one_redemption_a_minute(
    collaborators: Collaborators,
) -> tuple[Collaborators, Member, Reward]:
    """A member with 100 points, a reward of 30 in stock 5, and a limit of one redemption a
    minute: any retry that were counted would be refused."""
    c = replace(
        collaborators,
        settings=replace(collaborators.settings, limits=Limits(redemptions_per_minute=1)),
    )
    member = await make_member()
    await fund(c, member, 100)
    return c, member, await make_reward(c, cost=30, stock=5)


async def test_a_retry_while_the_first_request_is_in_flight_is_not_rate_limited(
    collaborators: Collaborators,
) -> None:
    c, member, reward = await _one_redemption_a_minute(collaborators)
    locked, release = asyncio.Event(), asyncio.Event()

    async def hold_the_reward_row() -> None:
        # Another connection holds the reward row: the first request stalls on its stock update
        # with its idempotency key claimed but not committed.
        async with in_transaction():
            await Reward.filter(id=reward.id).select_for_update()
            locked.set()
            await release.wait()

    holder = asyncio.create_task(hold_the_reward_row())
    await locked.wait()
    first = asyncio.create_task(services.redeem_reward(c, member, reward.id, 1, "flight-key-1"))
    await asyncio.sleep(0.3)
    retry = asyncio.create_task(services.redeem_reward(c, member, reward.id, 1, "flight-key-1"))
    await asyncio.sleep(0.3)
    release.set()
    await holder
    answers = await asyncio.gather(first, retry, return_exceptions=True)

    assert all(isinstance(a, Redemption) for a in answers), answers
    assert answers[0].id == answers[1].id  # type: ignore[union-attr]
    assert await Redemption.all().count() == 1 and await IdempotencyRecord.all().count() == 1
    assert (await Reward.get(id=reward.id)).stock == 4
    assert (await PointsAccount.get(member_id=member.id)).balance == 70
    assert await LedgerEntry.filter(member_id=member.id, amount__lt=0).count() == 1
    assert (await reconcile()).clean


async def test_fifty_concurrent_retries_of_one_key_redeem_once_under_a_limit_of_one(
    collaborators: Collaborators,
) -> None:
    c, member, reward = await _one_redemption_a_minute(collaborators)
    answers = await asyncio.gather(
        *(services.redeem_reward(c, member, reward.id, 1, "burst-key-01") for _ in range(50)),
        return_exceptions=True,
    )
    assert all(isinstance(a, Redemption) for a in answers), [
        a for a in answers if not isinstance(a, Redemption)
    ][:3]
    assert len({a.id for a in answers if isinstance(a, Redemption)}) == 1
    assert await Redemption.all().count() == 1 and (await Reward.get(id=reward.id)).stock == 4
    assert (await PointsAccount.get(member_id=member.id)).balance == 70
    assert (await reconcile()).clean


def _unthrottled(collaborators: Collaborators) -> Collaborators:
    limits = Limits(redemptions_per_minute=100_000)
    return replace(collaborators, settings=replace(collaborators.settings, limits=limits))


async def test_redemptions_and_cancellations_of_one_reward_racing_never_deadlock(
    collaborators: Collaborators,
) -> None:
    """A redemption takes the member's account before the reward's row, and so does a
    cancellation: twelve members each redeeming and cancelling at once, on one reward, finish
    without a deadlock or a lost write."""
    c = _unthrottled(collaborators)
    members = [await make_member() for _ in range(12)]
    reward = await make_reward(c, cost=5, stock=1000)
    held: list[Redemption] = []
    for member in members:
        await fund(c, member, 200)
        held.append(await services.redeem_reward(c, member, reward.id, 1, f"held-{member.id:05d}"))
    work = []
    for member, redemption in zip(members, held, strict=True):
        work.append(services.cancel_redemption(c, member, redemption.id))
        for n in range(3):
            work.append(services.redeem_reward(c, member, reward.id, 2, f"more-{member.id}-{n}"))

    results = await asyncio.gather(*work, return_exceptions=True)

    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures[:3]
    live = await Redemption.filter(reward_id=reward.id, status="RESERVED").count()
    assert live == 12 * 3
    assert (await Reward.get(id=reward.id)).stock == 1000 - 12 * 3 * 2
    for member in members:
        assert (await PointsAccount.get(member_id=member.id)).balance == 200 - 3 * 2 * 5
    assert (await reconcile()).clean
