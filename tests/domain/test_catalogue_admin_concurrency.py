"""Back-office changes racing members on PostgreSQL with separate connections: a cost change or
a retirement against redemptions, an event cancellation against registrations."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Sequence
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from domain.collaborators import Collaborators
from domain.errors import DomainError
from domain.events import admin as events_admin
from domain.events import services as events
from domain.events.errors import EventCancelledError
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.identity.models import Member, Role
from domain.points import accounts
from domain.points.models import LedgerEntry, PointsAccount
from domain.points.reconcile import reconcile
from domain.rewards import admin as rewards_admin
from domain.rewards import services as rewards
from domain.rewards.errors import RewardRetiredError
from domain.rewards.models import Redemption, RedemptionCounter, Reward
from domain.stores import as_busy
from tests.domain.events_helpers import make_event, seats_consistent
from tests.domain.points_helpers import fund, make_reward
from tests.factories import make_member

pytestmark = pytest.mark.postgres_only


async def admin() -> Member:
    return await make_member(roles=(Role.RESIDENT, Role.ADMIN))


def unexpected(results: Sequence[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]


async def queued_behind_a_lock(reward_id: int, *steps: Awaitable[Any]) -> list[Any]:
    """Another connection holds the reward's row; the steps start one after another and queue on
    it in that order; then the lock goes."""
    locked, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with in_transaction():
            await Reward.filter(id=reward_id).select_for_update()
            locked.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await locked.wait()
    tasks = []
    for step in steps:
        tasks.append(asyncio.ensure_future(step))
        await asyncio.sleep(0.3)
    release.set()
    await holder
    return list(await asyncio.gather(*tasks, return_exceptions=True))


async def spent_matches_debit(redemption_id: int) -> bool:
    redemption = await Redemption.get(id=redemption_id)
    entry = await LedgerEntry.get(id=redemption.spend_entry_id)
    return entry.amount == -redemption.points_spent


async def test_a_redemption_queued_behind_a_cost_change_pays_the_new_cost(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await fund(collaborators, member, 200)
    reward = await make_reward(collaborators, cost=30, stock=5)
    change = rewards_admin.RewardChanges(cost_points=50)

    done, redeemed = await queued_behind_a_lock(
        reward.id,
        rewards_admin.update_reward(collaborators, await admin(), reward.id, change),
        rewards.redeem_reward(collaborators, member, reward.id, 1, "queued-key-1"),
    )

    assert isinstance(done, Reward) and isinstance(redeemed, Redemption), (done, redeemed)
    assert redeemed.points_spent == 50 and await spent_matches_debit(redeemed.id)
    assert (await PointsAccount.get(member_id=member.id)).balance == 150
    assert (await reconcile()).clean


async def test_a_redemption_ahead_of_a_cost_change_keeps_the_old_cost(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await fund(collaborators, member, 200)
    reward = await make_reward(collaborators, cost=30, stock=5)
    change = rewards_admin.RewardChanges(cost_points=50)

    redeemed, done = await queued_behind_a_lock(
        reward.id,
        rewards.redeem_reward(collaborators, member, reward.id, 1, "ahead-key-01"),
        rewards_admin.update_reward(collaborators, await admin(), reward.id, change),
    )

    assert isinstance(done, Reward) and isinstance(redeemed, Redemption), (done, redeemed)
    assert redeemed.points_spent == 30 and await spent_matches_debit(redeemed.id)
    assert (await Reward.get(id=reward.id)).cost_points == 50
    assert (await PointsAccount.get(member_id=member.id)).balance == 170
    assert (await reconcile()).clean


async def test_a_redemption_is_not_outrun_by_a_cost_change_during_every_debit(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An admin changes the reward's cost, on another connection, each time the redemption has
    read it and is about to debit the member. The first change undoes the redemption; made
    again, it holds the reward's row from its read to its commit, so the next change waits for
    it instead of undoing it again (made again each time, it answered SERVICE_BUSY after three
    changes)."""
    member = await make_member()
    await fund(collaborators, member, 200)
    reward = await make_reward(collaborators, cost=10, stock=5)
    boss = await admin()
    costs = iter([20, 35, 50, 15])
    asked: asyncio.Queue[asyncio.Future[Reward]] = asyncio.Queue()
    answers: list[asyncio.Future[Reward]] = []

    async def editor() -> None:  # its own task: a connection of its own, not the redemption's
        while True:
            answer = await asked.get()
            change = rewards_admin.RewardChanges(cost_points=next(costs))
            try:
                edited = await rewards_admin.update_reward(collaborators, boss, reward.id, change)
            except Exception as error:  # the test reads it from the future
                answer.set_exception(error)
            else:
                answer.set_result(edited)

    spend = accounts.spend

    async def changed_first(member_id: int, cost: int, *rest: Any) -> LedgerEntry:
        answers.append(asyncio.get_running_loop().create_future())
        await asked.put(answers[-1])
        if len(answers) == 1:
            await answers[-1]  # nothing holds the row yet: the change commits
        else:
            await asyncio.wait([answers[-1]], timeout=0.5)
            assert not answers[-1].done()  # it waits on the reward's row
        return await spend(member_id, cost, *rest)

    editing = asyncio.create_task(editor())
    monkeypatch.setattr("domain.rewards.services.spend", changed_first)
    try:
        redeemed = await rewards.redeem_reward(collaborators, member, reward.id, 1, "outrun-01")
        changed = await asyncio.wait_for(asyncio.gather(*answers), timeout=10)
    finally:
        editing.cancel()

    assert [r.cost_points for r in changed] == [20, 35]
    assert redeemed.points_spent == 20 and await spent_matches_debit(redeemed.id)
    assert (await PointsAccount.get(member_id=member.id)).balance == 180
    assert (await Reward.get(id=reward.id)).stock == 4
    assert (await reconcile()).clean


async def test_cost_changes_racing_many_redemptions_leave_every_spend_equal_to_its_debit(
    collaborators: Collaborators,
) -> None:
    boss = await admin()
    members = [await make_member() for _ in range(30)]
    for member in members:
        await fund(collaborators, member, 1000)
    reward = await make_reward(collaborators, cost=10, stock=100)
    costs = [20, 35, 50, 15, 40]
    work: list[Awaitable[Any]] = [
        rewards.redeem_reward(collaborators, m, reward.id, 2, f"race-key-{m.id:04d}")
        for m in members
    ]
    work += [
        rewards_admin.update_reward(
            collaborators, boss, reward.id, rewards_admin.RewardChanges(cost_points=cost)
        )
        for cost in costs
    ]
    random.Random(7).shuffle(work)

    results = await asyncio.gather(*work, return_exceptions=True)

    assert not [r for r in results if isinstance(r, BaseException)], unexpected(list(results))[:3]
    redemptions = await Redemption.filter(reward_id=reward.id)
    assert len(redemptions) == 30
    assert all(r.points_spent in {2 * c for c in [10, *costs]} for r in redemptions)
    for redemption in redemptions:
        assert await spent_matches_debit(redemption.id)
        account = await PointsAccount.get(member_id=redemption.member_id)
        assert account.balance == 1000 - redemption.points_spent
    assert (await Reward.get(id=reward.id)).stock == 40
    assert (await reconcile()).clean


async def test_a_redemption_queued_behind_a_retirement_is_refused_and_changes_nothing(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await fund(collaborators, member, 200)
    reward = await make_reward(collaborators, cost=30, stock=5)

    retired, refused = await queued_behind_a_lock(
        reward.id,
        rewards_admin.retire_reward(collaborators, await admin(), reward.id),
        rewards.redeem_reward(collaborators, member, reward.id, 1, "retire-race-1"),
    )

    assert isinstance(retired, Reward) and isinstance(refused, RewardRetiredError), refused
    assert not await Redemption.all().exists()
    assert (await Reward.get(id=reward.id)).stock == 5
    assert (await PointsAccount.get(member_id=member.id)).balance == 200
    assert (await reconcile()).clean


async def test_a_retirement_racing_many_redemptions_sells_only_before_it(
    collaborators: Collaborators,
) -> None:
    boss = await admin()
    members = [await make_member() for _ in range(30)]
    for member in members:
        await fund(collaborators, member, 100)
    reward = await make_reward(collaborators, cost=30, stock=50)
    work: list[Awaitable[Any]] = [
        rewards.redeem_reward(collaborators, m, reward.id, 1, f"retire-key-{m.id:04d}")
        for m in members
    ]
    work.insert(15, rewards_admin.retire_reward(collaborators, boss, reward.id))

    results = await asyncio.gather(*work, return_exceptions=True)

    # Thirty queue on one row: on a loaded machine the last may wait past the lock timeout and
    # get the typed busy answer (the client retries); those changed nothing, checked below.
    busy = [r for r in results if isinstance(r, BaseException) and as_busy(r) is not None]
    assert not [r for r in unexpected(list(results)) if r not in busy], unexpected(list(results))
    made = [r for r in results if isinstance(r, Redemption)]
    refused = [r for r in results if isinstance(r, RewardRetiredError)]
    assert len(made) + len(refused) + len(busy) == 30
    assert len(busy) < 30
    assert await Redemption.all().count() == len(made)
    assert (await Reward.get(id=reward.id)).stock == 50 - len(made)
    for member in members:
        spent = sum(r.points_spent for r in made if r.member_id == member.id)
        assert (await PointsAccount.get(member_id=member.id)).balance == 100 - spent
    # After the retirement committed, nothing more is sold.
    late = await make_member()
    await fund(collaborators, late, 100)
    with pytest.raises(RewardRetiredError):
        await rewards.redeem_reward(collaborators, late, reward.id, 1, "too-late-key")
    assert (await reconcile()).clean


async def test_cancelling_an_event_racing_registrations_leaves_no_live_registration(
    collaborators: Collaborators,
) -> None:
    boss = await admin()
    event = await make_event(collaborators, None, capacity=10)
    early = [await make_member() for _ in range(5)]
    for member in early:
        await events.register_for_event(collaborators, member, event.id)
    racers = [await make_member() for _ in range(40)]
    work: list[Awaitable[Any]] = [
        events.register_for_event(collaborators, m, event.id) for m in racers
    ]
    work.insert(20, events_admin.cancel_event(collaborators, boss, event.id, "场地停电"))

    results = await asyncio.gather(*work, return_exceptions=True)

    assert not unexpected(list(results)), unexpected(list(results))[:3]
    # How many registrations land before the cancellation depends on scheduling; whatever the
    # order, none stays live and one arriving afterwards is refused.
    with pytest.raises(EventCancelledError):
        await events.register_for_event(collaborators, await make_member(), event.id)
    live = await EventRegistration.filter(
        event_id=event.id,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
    ).count()
    assert live == 0
    taken, seated, _ = await seats_consistent(event.id)
    assert taken == seated == 0
    stored = await Event.get(id=event.id)
    assert stored.cancelled_at is not None and stored.seats_left == 0
    made = [r for r in results if isinstance(r, EventRegistration)]
    assert await EventRegistration.filter(event_id=event.id).count() == 5 + len(made)


async def test_a_capacity_raise_racing_registrations_never_double_books_and_keeps_arrival_order(
    collaborators: Collaborators,
) -> None:
    boss = await admin()
    event = await make_event(collaborators, None, capacity=5)
    members = [await make_member() for _ in range(40)]
    work: list[Awaitable[Any]] = [
        events.register_for_event(collaborators, m, event.id) for m in members
    ]
    work.insert(
        20,
        events_admin.update_event(
            collaborators, boss, event.id, events_admin.EventChanges(capacity=25)
        ),
    )

    results = await asyncio.gather(*work, return_exceptions=True)

    assert not [r for r in results if isinstance(r, BaseException)], unexpected(list(results))[:3]
    assert await seats_consistent(event.id) == (25, 25, 25)
    rows = await EventRegistration.filter(event_id=event.id)
    waiting = sorted(
        (r for r in rows if r.status == RegistrationStatus.WAITLISTED),
        key=lambda r: r.waitlist_position or 0,
    )
    assert len(waiting) == 15
    # Everyone promoted arrived on the waitlist before everyone still waiting.
    promoted = [r for r in rows if r.status == RegistrationStatus.CONFIRMED and r.waitlist_position]
    assert all((p.waitlist_position or 0) < (waiting[0].waitlist_position or 0) for p in promoted)


async def test_a_limit_set_under_redemptions_in_flight_counts_each_of_them(
    collaborators: Collaborators,
) -> None:
    """A redemption reads the reward's terms without a lock and takes the stock last. Here six
    read "no limit", do their writes and queue behind an admin who sets a limit of 2 (and
    recounts what members hold, without them): each counts against the limit its locked row
    holds, so three are refused and every counter equals what its member holds."""
    members = [await make_member() for _ in range(3)]
    reward = await make_reward(collaborators, cost=1, stock=100)
    for member in members:
        await fund(collaborators, member, 50)
        await rewards.redeem_reward(collaborators, member, reward.id, 1, f"before-{member.id:05d}")
    change = rewards_admin.RewardChanges(per_member_limit=2)
    in_flight = [
        rewards.redeem_reward(collaborators, member, reward.id, 1, f"flight-{member.id}-{n}")
        for member in members
        for n in range(2)
    ]

    edit = rewards_admin.update_reward(collaborators, await admin(), reward.id, change)

    done, redeemed = await queued_behind_a_lock(
        reward.id, edit, asyncio.gather(*in_flight, return_exceptions=True)
    )

    assert isinstance(done, Reward), done
    assert not unexpected(redeemed), unexpected(redeemed)
    assert sum(isinstance(r, Redemption) for r in redeemed) == 3  # one more each, to the limit
    for member in members:
        held = await Redemption.filter(member_id=member.id, reward_id=reward.id).count()
        counter = await RedemptionCounter.get(member_id=member.id, reward_id=reward.id)
        assert held == counter.count == 2
    assert (await reconcile()).clean
