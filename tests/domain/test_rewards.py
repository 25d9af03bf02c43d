"""The points mall on a real database: redeem, replay, cancel, fulfil, restock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError, RateLimitedError
from domain.identity.errors import AccountSuspendedError
from domain.identity.models import Member, Role
from domain.identity.suspensions import suspend_member
from domain.points.errors import IdempotencyMismatchError, InsufficientPointsError
from domain.points.models import PointsAccount
from domain.points.reconcile import reconcile
from domain.rewards import queries, rules, services
from domain.rewards.errors import (
    AlreadyFulfilledError,
    LimitReachedError,
    NotCancellableError,
    RedemptionCancelledError,
    RewardSoldOutError,
)
from domain.rewards.models import IdempotencyRecord, Redemption, RedemptionStatus, Reward
from tests.domain.points_helpers import fund, make_reward
from tests.factories import make_member
from tests.sqlcount import count_sql


async def balance(member_id: int) -> int:
    return (await PointsAccount.get(member_id=member_id)).balance


async def test_redeeming_debits_points_takes_stock_and_issues_a_readable_pickup_code(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await fund(collaborators, member, 100)
    reward = await make_reward(collaborators, cost=30, stock=2)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 2, "key-000001")
    assert redemption.points_spent == 60 and redemption.status == RedemptionStatus.RESERVED
    assert len(redemption.pickup_code) == 6
    assert not set(redemption.pickup_code) & set("0O1I")
    assert await balance(member.id) == 40
    assert (await Reward.get(id=reward.id)).stock == 0
    assert (await reconcile()).clean


async def test_the_account_is_stamped_by_the_injected_clock_on_credit_debit_and_refund(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    member = await make_member()
    await fund(collaborators, member, 100)
    funded_at = clock.now()
    assert (await PointsAccount.get(member_id=member.id)).updated_at == funded_at
    reward = await make_reward(collaborators, cost=30, stock=2)
    clock.advance(hours=1)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "key-000009")
    assert (await PointsAccount.get(member_id=member.id)).updated_at == funded_at + timedelta(
        hours=1
    )
    clock.advance(hours=1)
    await services.cancel_redemption(collaborators, member, redemption.id)
    assert (await PointsAccount.get(member_id=member.id)).updated_at == funded_at + timedelta(
        hours=2
    )


async def test_each_refusal_changes_nothing(collaborators: Collaborators) -> None:
    member = await make_member()
    await fund(collaborators, member, 50)
    reward = await make_reward(collaborators, cost=30, stock=1, limit=1)
    plenty = await make_reward(collaborators, cost=30, stock=9, name="帆布袋")
    await services.redeem_reward(collaborators, member, reward.id, 1, "key-000002x")
    with pytest.raises(InsufficientPointsError) as poor:
        await services.redeem_reward(collaborators, member, plenty.id, 1, "key-000003x")
    assert (poor.value.balance, poor.value.cost) == (20, 30)
    assert (await Reward.get(id=plenty.id)).stock == 9
    with pytest.raises(RewardSoldOutError):
        await services.redeem_reward(collaborators, member, reward.id, 1, "key-000004x")
    with pytest.raises(NotFoundError):
        await services.redeem_reward(collaborators, member, 9999, 1, "key-000005x")
    with pytest.raises(InvalidInputError):
        await services.redeem_reward(collaborators, member, reward.id, 0, "short")
    assert await balance(member.id) == 20 and await Redemption.all().count() == 1
    assert (await reconcile()).clean


async def test_the_per_member_limit_holds_and_frees_up_after_a_cancel(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await fund(collaborators, member, 1000)
    reward = await make_reward(collaborators, cost=10, stock=10, limit=2)
    first = await services.redeem_reward(collaborators, member, reward.id, 2, "limit-key-1")
    with pytest.raises(LimitReachedError):
        await services.redeem_reward(collaborators, member, reward.id, 1, "limit-key-2")
    await services.cancel_redemption(collaborators, member, first.id)
    await services.redeem_reward(collaborators, member, reward.id, 1, "limit-key-3")
    assert (await reconcile()).clean


async def test_a_replayed_key_returns_the_first_result_and_another_request_is_refused(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await fund(collaborators, member, 100)
    reward, other = (
        await make_reward(collaborators),
        await make_reward(collaborators, name="帆布袋"),
    )
    first = await services.redeem_reward(collaborators, member, reward.id, 1, "same-key-01")
    again = await services.redeem_reward(collaborators, member, reward.id, 1, "same-key-01")
    assert (again.id, again.pickup_code) == (first.id, first.pickup_code)
    with pytest.raises(IdempotencyMismatchError):
        await services.redeem_reward(collaborators, member, other.id, 1, "same-key-01")
    assert await balance(member.id) == 70 and await Redemption.all().count() == 1


async def test_cancelling_refunds_into_the_same_expiry_and_restores_stock_once(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await fund(collaborators, member, 100)
    reward = await make_reward(collaborators, cost=30, stock=3)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "cancel-key-1")
    cancelled = await services.cancel_redemption(collaborators, member, redemption.id)
    assert cancelled.status == RedemptionStatus.CANCELLED
    with pytest.raises(NotCancellableError):
        await services.cancel_redemption(collaborators, member, redemption.id)
    assert await balance(member.id) == 100 and (await Reward.get(id=reward.id)).stock == 3
    stranger = await make_member()
    with pytest.raises(NotFoundError):
        await services.cancel_redemption(collaborators, stranger, redemption.id)
    assert (await reconcile()).clean


async def test_the_host_fulfils_by_pickup_code_once_and_it_can_no_longer_be_cancelled(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    await fund(collaborators, member, 100)
    reward = await make_reward(collaborators)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "fulfil-key-1")
    code = redemption.pickup_code.lower()
    done = await services.fulfil_redemption(collaborators, host, f" {code} ")
    assert done.status == RedemptionStatus.FULFILLED and done.reward.name == reward.name
    with pytest.raises(AlreadyFulfilledError):
        await services.fulfil_redemption(collaborators, host, code)
    with pytest.raises(NotCancellableError):
        await services.cancel_redemption(collaborators, member, redemption.id)
    with pytest.raises(NotFoundError):
        await services.fulfil_redemption(collaborators, host, "ZZZZZZ")


async def test_restocking_and_creating_rewards_are_checked(collaborators: Collaborators) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    reward = await services.create_reward(
        collaborators, admin, services.NewReward("亲子烘焙课名额", "周六下午", 300, 2, 1)
    )
    restocked = await services.restock_reward(collaborators, admin, reward.id, 5)
    assert restocked.stock == 7
    with pytest.raises(InvalidInputError) as bad:
        await services.create_reward(collaborators, admin, services.NewReward("x", "", 0, -1))
    assert {e.field for e in bad.value.field_errors} == {
        "name",
        "description",
        "costPoints",
        "stock",
    }
    assert (await reconcile()).clean


def test_pickup_codes_are_six_unambiguous_characters() -> None:
    codes = {rules.new_pickup_code() for _ in range(300)}
    assert all(len(code) == 6 and not set(code) & set("0O1I") for code in codes)


async def test_staff_actions_refuse_a_resident_whichever_entrypoint_calls_them(
    collaborators: Collaborators,
) -> None:
    from domain.errors import PermissionDeniedError
    from domain.points.services import adjust_points

    resident = await make_member()
    reward = await make_reward(collaborators)
    with pytest.raises(PermissionDeniedError):
        await services.create_reward(
            collaborators, resident, services.NewReward("帆布袋", "x", 9, 1)
        )
    with pytest.raises(PermissionDeniedError):
        await services.restock_reward(collaborators, resident, reward.id, 5)
    with pytest.raises(PermissionDeniedError):
        await services.fulfil_redemption(collaborators, resident, "ABCDEF")
    with pytest.raises(PermissionDeniedError):
        await adjust_points(collaborators, resident, resident.id, 50, "给自己加分", "self-key-01")
    assert (await Reward.get(id=reward.id)).stock == 10


async def test_a_replayed_key_is_answered_from_its_record_while_the_redemption_limit_is_exhausted(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await fund(collaborators, member, 100)
    reward = await make_reward(collaborators, cost=30, stock=5)
    first = await services.redeem_reward(collaborators, member, reward.id, 1, "retry-key-01")
    per_minute = collaborators.settings.limits.redemptions_per_minute
    for n in range(per_minute):  # the rest of the minute's redemptions, each refused
        with pytest.raises((NotFoundError, RateLimitedError)):
            await services.redeem_reward(collaborators, member, 99999, 1, f"flood-key-{n:02}")
    with pytest.raises(RateLimitedError):
        await services.redeem_reward(collaborators, member, reward.id, 1, "fresh-key-01")
    counted = await collaborators.redis.get(f"rl:redeem:{member.id}")

    again = await services.redeem_reward(collaborators, member, reward.id, 1, "retry-key-01")

    assert (again.id, again.pickup_code) == (first.id, first.pickup_code)
    assert await collaborators.redis.get(f"rl:redeem:{member.id}") == counted  # not counted
    assert await balance(member.id) == 70 and (await Reward.get(id=reward.id)).stock == 4
    assert await Redemption.all().count() == 1 and await IdempotencyRecord.all().count() == 1
    assert (await reconcile()).clean


async def test_a_suspended_members_retry_is_answered_and_a_new_key_refused_unclaimed(
    collaborators: Collaborators,
) -> None:
    """The key's record answers before the suspension is checked (the redemption happened);
    a new key is refused, and its claim goes with the refusal."""
    member = await make_member()
    boss = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    await fund(collaborators, member, 100)
    reward = await make_reward(collaborators, cost=30, stock=5)
    first = await services.redeem_reward(collaborators, member, reward.id, 1, "before-ban-01")
    until = collaborators.clock.now() + timedelta(days=7)
    await suspend_member(collaborators, boss, member.id, "刷单嫌疑", until)
    suspended = await Member.get(id=member.id)

    again = await services.redeem_reward(collaborators, suspended, reward.id, 1, "before-ban-01")
    with pytest.raises(IdempotencyMismatchError):
        await services.redeem_reward(collaborators, suspended, reward.id, 2, "before-ban-01")
    with pytest.raises(AccountSuspendedError):
        await services.redeem_reward(collaborators, suspended, reward.id, 1, "after-ban-01")

    assert (again.id, again.pickup_code) == (first.id, first.pickup_code)
    assert await IdempotencyRecord.filter(member_id=member.id).count() == 1
    assert await Redemption.filter(member_id=member.id).count() == 1
    assert await balance(member.id) == 70 and (await Reward.get(id=reward.id)).stock == 4
    assert (await reconcile()).clean


async def test_fulfilling_a_cancelled_redemption_says_it_was_cancelled_and_changes_nothing(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    await fund(collaborators, member, 100)
    reward = await make_reward(collaborators, cost=30, stock=3)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "cancel-key-9")
    await services.cancel_redemption(collaborators, member, redemption.id)

    with pytest.raises(RedemptionCancelledError) as refused:
        await services.fulfil_redemption(collaborators, host, redemption.pickup_code)

    assert refused.value.code == "REDEMPTION_CANCELLED"
    stored = await Redemption.get(id=redemption.id)
    assert stored.status == RedemptionStatus.CANCELLED
    assert stored.fulfilled_at is None and stored.fulfilled_by_id is None
    assert await balance(member.id) == 100 and (await Reward.get(id=reward.id)).stock == 3
    assert (await reconcile()).clean


BAD_PICKUP_CODES = [
    "ABCDEFG",  # 7 characters: the column holds 6
    "ABC\x00EF",
    "ABC\x07EF",
    "ABC\ud800EF",
    "A" * 40_000,
    "ABCDE",
    "ABCDE0",  # not of the pickup alphabet: no code can hold it
]


@pytest.mark.parametrize("code", BAD_PICKUP_CODES, ids=range(len(BAD_PICKUP_CODES)))
async def test_a_malformed_pickup_code_is_invalid_input_and_changes_nothing(
    collaborators: Collaborators, code: str
) -> None:
    member = await make_member()
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    await fund(collaborators, member, 100)
    reward = await make_reward(collaborators)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "pickup-key-1")

    with pytest.raises(InvalidInputError) as refused:
        await services.fulfil_redemption(collaborators, host, code)

    assert [e.field for e in refused.value.field_errors] == ["pickupCode"]
    stored = await Redemption.get(id=redemption.id)
    assert stored.status == RedemptionStatus.RESERVED and stored.fulfilled_at is None


BAD_KEYS = ["key-\x00-0001", "key-\x1b-0001", "key-\x85-0001", "key-\udfff-0001", "k" * 65]


@pytest.mark.parametrize("key", BAD_KEYS, ids=range(len(BAD_KEYS)))
async def test_an_idempotency_key_with_control_characters_or_too_long_is_invalid_input(
    collaborators: Collaborators, key: str
) -> None:
    member = await make_member()
    await fund(collaborators, member, 100)
    reward = await make_reward(collaborators)

    with pytest.raises(InvalidInputError) as refused:
        await services.redeem_reward(collaborators, member, reward.id, 1, key)

    assert [e.field for e in refused.value.field_errors] == ["idempotencyKey"]
    assert await Redemption.all().count() == 0 and await IdempotencyRecord.all().count() == 0
    assert await balance(member.id) == 100 and (await Reward.get(id=reward.id)).stock == 10


async def test_the_mall_shows_exactly_the_rewards_open_now_in_pages(
    collaborators: Collaborators,
) -> None:
    """``available_rewards_page`` is a written statement: it shows what ``rules.is_available``
    and ``retired_at`` allow at ``now`` (each window's edges included), oldest first, with
    ``first + 1`` rows and the rows after a cursor, in one statement."""
    now = collaborators.clock.now()
    hour = timedelta(hours=1)
    windows = [
        (True, None, None, None),
        (False, None, None, None),  # switched off
        (True, None, None, now),  # retired
        (True, now, None, None),  # opens exactly now
        (True, now + hour, None, None),  # opens later
        (True, None, now, None),  # closed exactly now
        (True, now - hour, now + hour, None),
        (True, None, now - hour, None),  # closed an hour ago
        (True, now - hour, None, None),
    ]
    made = []
    for n, (active, opens, closes, retired) in enumerate(windows):
        reward = await make_reward(collaborators, name=f"奖品{n}")
        await Reward.filter(id=reward.id).update(
            active=active, available_from=opens, available_until=closes, retired_at=retired
        )
        made.append(await Reward.get(id=reward.id))
    expected = [
        r.id
        for r in made
        if r.retired_at is None
        and rules.is_available(r.active, r.available_from, r.available_until, now)
    ]
    assert len(expected) == 4  # the always-open one, "opens now", the window, "opened"

    async def ids(after: int | None, first: int) -> list[int]:
        return [r.id for r in await queries.available_rewards_page(now, after, first)]

    with count_sql() as statements:
        whole = await queries.available_rewards_page(now, None, 50)
    assert len(statements) == 1, statements
    assert [r.id for r in whole] == expected
    assert (whole[0].name, whole[0].stock, whole[0].active) == ("奖品0", 10, True)
    assert await ids(None, 1) == expected[:2]  # first + 1
    assert await ids(expected[0], 2) == expected[1:4]
    assert await ids(expected[-1], 10) == []


async def test_a_members_redemptions_page_is_theirs_newest_first_with_each_reward(
    collaborators: Collaborators,
) -> None:
    """``redemptions_page`` is one joined statement: only the member's redemptions, newest
    first, ``first + 1`` rows, the rows before a cursor, each with its reward read with it."""

    member, neighbour = await make_member(), await make_member()
    await fund(collaborators, member, 500)
    await fund(collaborators, neighbour, 500)
    coffee = await make_reward(collaborators, cost=10, name="挂耳咖啡")
    soap = await make_reward(collaborators, cost=20, name="手工皂")
    mine = []
    for n, reward in enumerate([coffee, soap, coffee]):
        key = f"redeem-key-{n:04d}"
        mine.append(await services.redeem_reward(collaborators, member, reward.id, 1, key))
        await services.redeem_reward(collaborators, neighbour, reward.id, 1, key)
    await services.cancel_redemption(collaborators, member, mine[1].id)
    newest_first = [r.id for r in reversed(mine)]

    with count_sql() as statements:
        page = await queries.redemptions_page(member.id, None, 10)
        assert [r.reward.name for r in page] == ["挂耳咖啡", "手工皂", "挂耳咖啡"]
    assert len(statements) == 1, statements
    assert [r.id for r in page] == newest_first
    assert [r.status for r in page] == [
        RedemptionStatus.RESERVED,
        RedemptionStatus.CANCELLED,
        RedemptionStatus.RESERVED,
    ]
    assert {r.member_id for r in page} == {member.id}
    assert page[1].reward.cost_points == 20 and page[1].points_spent == 20
    assert [r.id for r in await queries.redemptions_page(member.id, None, 1)] == newest_first[:2]
    after = await queries.redemptions_page(member.id, newest_first[0], 1)
    assert [r.id for r in after] == newest_first[1:3]
    assert await queries.redemptions_page(member.id, newest_first[-1], 10) == []


async def test_a_members_redeemed_quantities_count_held_and_picked_up_not_cancelled(
    collaborators: Collaborators,
) -> None:
    """``live_quantities`` is one written statement: per asked reward, the quantities the
    member holds or has picked up; a cancelled redemption, a neighbour's, and a reward not
    asked for left out, as the query builder's grouped sum reads them."""
    from tortoise.functions import Sum

    member, neighbour = await make_member(), await make_member()
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    await fund(collaborators, member, 900)
    await fund(collaborators, neighbour, 900)
    coffee = await make_reward(collaborators, cost=10, name="挂耳咖啡")
    soap = await make_reward(collaborators, cost=20, name="手工皂")
    eggs = await make_reward(collaborators, cost=30, name="有机鸡蛋")
    tea = await make_reward(collaborators, cost=5, name="花茶")
    held = await services.redeem_reward(collaborators, member, coffee.id, 2, "live-key-0001")
    picked = await services.redeem_reward(collaborators, member, coffee.id, 3, "live-key-0002")
    await services.fulfil_redemption(collaborators, host, picked.pickup_code or "")
    dropped = await services.redeem_reward(collaborators, member, soap.id, 4, "live-key-0003")
    await services.cancel_redemption(collaborators, member, dropped.id)
    await services.redeem_reward(collaborators, member, soap.id, 1, "live-key-0004")
    await services.redeem_reward(collaborators, neighbour, eggs.id, 1, "live-key-0005")
    await services.redeem_reward(collaborators, member, tea.id, 1, "live-key-0006")
    asked = [coffee.id, soap.id, eggs.id]

    with count_sql() as statements:
        found = await queries.live_quantities(member.id, asked)
    assert len(statements) == 1, statements
    assert held.quantity == 2 and found == {coffee.id: 5, soap.id: 1}
    reference = (
        await Redemption.filter(member_id=member.id, reward_id__in=asked, status__in=queries.LIVE)
        .group_by("reward_id")
        .annotate(total=Sum("quantity"))
        .values_list("reward_id", "total")
    )
    assert found == {int(reward_id): int(total) for reward_id, total in reference}
    assert await queries.live_quantities(neighbour.id, asked) == {eggs.id: 1}
    assert await queries.live_quantities(host.id, asked) == {}
    with count_sql() as none:
        assert await queries.live_quantities(member.id, []) == {}
    assert none == []
