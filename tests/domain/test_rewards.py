"""The points mall on a real database: redeem, replay, cancel, fulfil, restock."""

from __future__ import annotations

import pytest

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError
from domain.identity.models import Role
from domain.points.errors import IdempotencyMismatchError, InsufficientPointsError
from domain.points.models import PointsAccount
from domain.points.reconcile import reconcile
from domain.rewards import rules, services
from domain.rewards.errors import (
    AlreadyFulfilledError,
    LimitReachedError,
    NotCancellableError,
    RewardSoldOutError,
)
from domain.rewards.models import Redemption, RedemptionStatus, Reward
from tests.domain.points_helpers import fund, make_reward
from tests.factories import make_member


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
