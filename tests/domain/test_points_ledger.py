"""The ledger on a real database: awards, the daily cap, check-in, adjustments, jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.identity.models import Role
from domain.points import jobs, leaderboard, queries, services
from domain.points.accounts import spend
from domain.points.errors import AlreadyCheckedInError, ApprovalRequiredError, SameAdminError
from domain.points.ledger import plan_draws
from domain.points.models import (
    ExpiryReminder,
    LedgerEntry,
    LedgerReason,
    LotDraw,
    PointsAccount,
    PointsLot,
)
from domain.points.reconcile import reconcile
from tests.domain.points_helpers import fund
from tests.factories import make_member


async def balance_of(member_id: int) -> tuple[int, int]:
    account = await PointsAccount.get(member_id=member_id)
    return account.balance, account.pending


async def test_an_award_is_applied_once_per_reference(collaborators: Collaborators) -> None:
    member = await make_member()
    first = await services.award_points(collaborators, member.id, "recipe_published", "post:7")
    again = await services.award_points(collaborators, member.id, "recipe_published", "post:7")
    assert first is not None and first.amount == 20 and first.balance_after == 20
    assert again is None
    assert await balance_of(member.id) == (20, 0)
    assert (await reconcile()).clean


async def test_contribution_points_stop_at_two_hundred_a_day_with_the_reason_recorded(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    member = await make_member()
    for n in range(11):
        await services.award_points(collaborators, member.id, "recipe_published", f"post:{n}")
    assert await balance_of(member.id) == (200, 0)
    capped = await LedgerEntry.filter(member_id=member.id, amount=0).first()
    assert capped is not None and "上限" in capped.description
    await fund(collaborators, member, 500)  # wins are not contribution points
    assert await balance_of(member.id) == (700, 0)
    clock.advance(days=1)
    await services.award_points(collaborators, member.id, "post_published", "post:tomorrow")
    assert await balance_of(member.id) == (710, 0)


async def test_checking_in_twice_a_day_is_refused_and_the_seventh_day_earns_twelve(
    collaborators: Collaborators,
    clock: FrozenClock,
) -> None:
    member = await make_member()
    awarded = []
    for day in range(7):
        result = await services.check_in(collaborators, member)
        awarded.append(result.points_awarded)
        if day == 0:
            with pytest.raises(AlreadyCheckedInError):
                await services.check_in(collaborators, member)
        clock.advance(days=1)
    assert awarded == [2, 2, 2, 2, 2, 2, 12] and result.streak == 7
    assert await balance_of(member.id) == (24, 0)
    clock.advance(days=1)  # a day missed
    assert (await services.check_in(collaborators, member)).streak == 1


async def test_check_in_days_follow_shanghai_midnight_not_utc(collaborators: Collaborators) -> None:
    member = await make_member()
    clock = FrozenClock(datetime(2026, 11, 21, 15, 30, tzinfo=UTC))  # 23:30 in Shanghai
    c = Collaborators(collaborators.settings, collaborators.redis, clock, collaborators.wechat)
    await services.check_in(c, member)
    clock.advance(minutes=45)  # 00:15 the next day in Shanghai, still the 21st in UTC
    assert (await services.check_in(c, member)).streak == 2


async def test_pending_purchase_points_arrive_after_fifteen_days(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await services.award_points(collaborators, member.id, "purchase", "order:1", amount=88)
    assert await balance_of(member.id) == (0, 88)
    now = collaborators.clock.now()
    assert await jobs.release_pending_points(now + timedelta(days=14)) == 0
    assert await jobs.release_pending_points(now + timedelta(days=15)) == 88
    assert await jobs.release_pending_points(now + timedelta(days=16)) == 0
    assert await balance_of(member.id) == (88, 0)
    assert (await reconcile()).clean


async def test_points_expire_at_the_end_of_next_year_with_a_reminder_ten_days_before(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await fund(collaborators, member, 100)  # 2026-11-21: expires at the end of 2027
    summary = await queries.points_summary(member.id)
    assert summary.next_expiry is not None and summary.next_expiry.amount == 100
    expiry = summary.next_expiry.expires_at
    assert await jobs.record_expiry_reminders(expiry - timedelta(days=11)) == 0
    assert await jobs.record_expiry_reminders(expiry - timedelta(days=9)) == 1
    assert await jobs.record_expiry_reminders(expiry - timedelta(days=8)) == 0
    assert (await ExpiryReminder.get(member_id=member.id)).amount == 100
    assert await jobs.expire_points(expiry - timedelta(seconds=1)) == 0
    assert await jobs.expire_points(expiry + timedelta(seconds=1)) == 100
    assert await balance_of(member.id) == (0, 0)
    entry = await LedgerEntry.filter(member_id=member.id).order_by("-id").first()
    assert entry is not None and entry.reason == LedgerReason.EXPIRY and entry.amount == -100
    assert (await reconcile()).clean


async def test_adjustments_above_a_thousand_need_a_second_admin(
    collaborators: Collaborators,
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    other_admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    member = await make_member()
    small = await services.adjust_points(
        collaborators, admin, member.id, 50, "活动补发", "key-small-1"
    )
    replay = await services.adjust_points(
        collaborators, admin, member.id, 50, "活动补发", "key-small-1"
    )
    assert small.id == replay.id and await balance_of(member.id) == (50, 0)
    with pytest.raises(ApprovalRequiredError) as waiting:
        await services.adjust_points(
            collaborators, admin, member.id, 1500, "大额补偿", "key-big-01"
        )
    assert await balance_of(member.id) == (50, 0)
    with pytest.raises(SameAdminError):
        await services.approve_adjustment(collaborators, admin, waiting.value.request_id)
    entry = await services.approve_adjustment(collaborators, other_admin, waiting.value.request_id)
    again = await services.approve_adjustment(collaborators, other_admin, waiting.value.request_id)
    assert entry.id == again.id and await balance_of(member.id) == (1550, 0)
    with pytest.raises(InvalidInputError):
        await services.adjust_points(collaborators, admin, member.id, 0, "", "k")
    assert (await reconcile()).clean


async def test_the_leaderboard_follows_earned_points_and_rebuilds_from_the_ledger(
    collaborators: Collaborators,
) -> None:
    first, second = await make_member(), await make_member()
    await services.award_points(collaborators, first.id, "recipe_published", "p1")
    await services.award_points(collaborators, second.id, "post_featured", "p2")
    now = collaborators.clock.now()
    assert await leaderboard.top(collaborators.redis, now, 10) == [(second.id, 50), (first.id, 20)]
    await collaborators.redis.delete(leaderboard.month_key(now))
    assert await leaderboard.rebuild(collaborators.redis, now) == 2
    assert await leaderboard.rank_of(collaborators.redis, now, first.id) == (2, 20)


async def test_the_due_jobs_run_through_the_broker(collaborators: Collaborators) -> None:
    from domain.jobs import make_broker

    member = await make_member()
    await services.award_points(collaborators, member.id, "purchase", "order:9", amount=30)
    broker = make_broker(collaborators, "memory://")
    await broker.startup()
    try:
        task = broker.find_task("run_due_jobs")
        assert task is not None
        later = collaborators.clock.now() + timedelta(days=15)
        kicked = await task.kiq(later.isoformat())
        result = await kicked.wait_result(timeout=10)
    finally:
        await broker.shutdown()
    assert result.return_value["released"] == 30
    assert await balance_of(member.id) == (30, 0)


async def test_an_adjustment_key_reused_for_another_member_or_amount_is_refused(
    collaborators: Collaborators,
) -> None:
    from domain.points.errors import IdempotencyMismatchError

    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    member, other = await make_member(), await make_member()
    await services.adjust_points(collaborators, admin, member.id, 50, "活动补发", "reused-key-1")
    with pytest.raises(IdempotencyMismatchError):
        await services.adjust_points(collaborators, admin, other.id, 50, "活动补发", "reused-key-1")
    with pytest.raises(IdempotencyMismatchError):
        await services.adjust_points(
            collaborators, admin, member.id, 60, "活动补发", "reused-key-1"
        )
    assert not await LedgerEntry.filter(member_id=other.id).exists()


async def test_a_capped_check_in_records_what_it_really_earned(
    collaborators: Collaborators,
) -> None:
    from domain.points.models import CheckIn

    member = await make_member()
    for n in range(10):
        await services.award_points(collaborators, member.id, "recipe_published", f"post:{n}")
    result = await services.check_in(collaborators, member)
    assert result.points_awarded == 0 and result.balance == 200
    assert (await CheckIn.get(member_id=member.id)).points == 0


async def test_a_spend_draws_the_oldest_expiring_lots_first_as_plan_draws_says(
    collaborators: Collaborators,
) -> None:
    """Three lots with two expiries (the later two share one); each spend takes from them in
    spending order what ``plan_draws`` plans on the lots as they were, no more."""
    clock = collaborators.clock
    assert isinstance(clock, FrozenClock)
    member = await make_member()
    await fund(collaborators, member, 30, "lot-a")  # expires at the end of next year
    clock.advance(days=366)
    await fund(collaborators, member, 50, "lot-b")  # a year later
    await fund(collaborators, member, 20, "lot-c")  # the same expiry, a later lot
    lots = await PointsLot.filter(member_id=member.id).order_by("expires_at", "id")
    assert [lot.remaining for lot in lots] == [30, 50, 20]
    assert lots[0].expires_at < lots[1].expires_at == lots[2].expires_at
    for cost, key in ((60, "spend-one-01"), (35, "spend-two-01")):
        before = await PointsLot.filter(member_id=member.id).order_by("expires_at", "id")
        planned = plan_draws([(lot.id, lot.remaining) for lot in before if lot.remaining], cost)
        async with in_transaction():
            entry = await spend(member.id, cost, LedgerReason.REDEMPTION, "兑换", key, clock.now())
        drawn = (
            await LotDraw.filter(entry_id=entry.id).order_by("id").values_list("lot_id", "amount")
        )
        assert sorted(drawn) == sorted(planned), (cost, drawn, planned)
    after = await PointsLot.filter(member_id=member.id).order_by("expires_at", "id")
    assert [lot.remaining for lot in after] == [0, 0, 5]
    assert await balance_of(member.id) == (5, 0)
    assert (await reconcile()).clean
