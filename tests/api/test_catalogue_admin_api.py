"""Rewards and events after creation over GraphQL: updateReward, retireReward, updateEvent and
cancelEvent for the allowed roles and refused for every other (nothing changed), each typed error,
and what members see afterwards (redeemReward and registerForEvent refused, the flags)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.columns import column
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.identity.models import Member, Role
from domain.posts.models import AuditLogEntry
from domain.rewards.models import Reward
from tests.api.test_identity_api import op
from tests.api.test_points_api import error_code, token_for
from tests.conftest import GraphQLClient
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.domain.points_helpers import fund, make_reward
from tests.factories import make_member
from web.ids import encode_id

REFUSED = [Role.RESIDENT, Role.HOST, Role.MODERATOR]


def rid(reward: Reward) -> str:
    return encode_id("Reward", reward.id)


def eid(event: Event) -> str:
    return encode_id("Event", event.id)


async def token_of(c: Collaborators, *roles: Role) -> str:
    return await token_for(c, await make_member(roles=(Role.RESIDENT, *roles)))


async def update_reward(gql: GraphQLClient, token: str | None, **input: Any) -> dict[str, Any]:
    return await gql(op("UpdateReward"), {"input": input}, token)


async def update_event(gql: GraphQLClient, token: str | None, **input: Any) -> dict[str, Any]:
    return await gql(op("UpdateEvent"), {"input": input}, token)


# Rewards ---------------------------------------------------------------------------------------


async def test_an_admin_updates_a_reward_and_left_out_fields_stay(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    reward = await make_reward(collaborators, cost=30, limit=3)
    token = await token_of(collaborators, Role.ADMIN)
    body = await update_reward(gql, token, rewardId=rid(reward), name="挂耳礼盒", costPoints=40)
    result = body["data"]["updateReward"]
    assert result["__typename"] == "UpdateRewardSuccess", result
    assert result["reward"]["costPoints"] == 40 and result["reward"]["perMemberLimit"] == 3
    assert result["reward"]["retired"] is False
    stored = await Reward.get(id=reward.id)
    assert (stored.name, stored.cost_points, stored.per_member_limit) == ("挂耳礼盒", 40, 3)
    cleared = await update_reward(gql, token, rewardId=rid(reward), perMemberLimit=None)
    assert cleared["data"]["updateReward"]["reward"]["perMemberLimit"] is None
    assert (await Reward.get(id=reward.id)).per_member_limit is None
    assert await AuditLogEntry.filter(action="REWARD_UPDATED", target_id=reward.id).count() == 2


@pytest.mark.parametrize("role", REFUSED)
async def test_other_roles_cannot_update_or_retire_a_reward(
    gql: GraphQLClient, collaborators: Collaborators, role: Role
) -> None:
    reward = await make_reward(collaborators, cost=30)
    token = await token_of(collaborators, role)
    assert error_code(await update_reward(gql, token, rewardId=rid(reward), costPoints=5)) == (
        "FORBIDDEN"
    )
    assert error_code(await gql(op("RetireReward"), {"rewardId": rid(reward)}, token)) == (
        "FORBIDDEN"
    )
    stored = await Reward.get(id=reward.id)
    assert (stored.cost_points, stored.retired_at) == (30, None)
    assert not await AuditLogEntry.all().exists()


async def test_anonymous_callers_cannot_update_or_retire_a_reward(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    reward = await make_reward(collaborators, cost=30)
    assert error_code(await update_reward(gql, None, rewardId=rid(reward), costPoints=5)) == (
        "UNAUTHENTICATED"
    )
    refused = await gql(op("RetireReward"), {"rewardId": rid(reward)})
    assert error_code(refused) == "UNAUTHENTICATED"
    assert (await Reward.get(id=reward.id)).retired_at is None


async def test_bad_reward_edits_get_typed_field_errors_and_change_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    reward = await make_reward(collaborators, cost=30)
    token = await token_of(collaborators, Role.ADMIN)
    now = collaborators.clock.now()

    async def refused(**input: Any) -> dict[str, Any]:
        body = await update_reward(gql, token, rewardId=rid(reward), **input)
        result: dict[str, Any] = body["data"]["updateReward"]
        return result

    for cost in (0, -5):
        zero = await refused(costPoints=cost)
        assert zero["__typename"] == "InvalidInput"
        assert [e["field"] for e in zero["fieldErrors"]] == ["costPoints"]
    backwards = await refused(
        availableFrom=(now + timedelta(days=3)).isoformat(),
        availableUntil=(now + timedelta(days=1)).isoformat(),
    )
    assert backwards["__typename"] == "InvalidInput"
    assert backwards["fieldErrors"] == [
        {"field": "availableUntil", "message": "结束时间应晚于开始时间"}
    ]
    picture = await refused(imageId=encode_id("Image", 4242))
    assert [e["field"] for e in picture["fieldErrors"]] == ["imageId"]
    missing = await update_reward(gql, token, rewardId=encode_id("Reward", 9999), costPoints=5)
    assert missing["data"]["updateReward"]["__typename"] == "NotFound"
    stored = await Reward.get(id=reward.id)
    assert (stored.cost_points, stored.available_from, stored.image_url) == (30, None, None)
    assert not await AuditLogEntry.all().exists()


async def test_a_retired_reward_is_refused_to_members_and_leaves_the_listing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    reward = await make_reward(collaborators, cost=30, stock=5)
    member = await make_member()
    await fund(collaborators, member, 100)
    admin_token = await token_of(collaborators, Role.ADMIN)

    retired = await gql(op("RetireReward"), {"rewardId": rid(reward)}, admin_token)

    assert retired["data"]["retireReward"]["reward"] == {
        "id": rid(reward),
        "retired": True,
        "stock": 5,
    }
    assert (await Reward.get(id=reward.id)).retired_at is not None
    token = await token_for(collaborators, member)
    redeem = await gql(
        op("RedeemReward"),
        {"rewardId": rid(reward), "quantity": 1, "idempotencyKey": "retired-key-1"},
        token,
    )
    outcome = redeem["data"]["redeemReward"]
    assert (outcome["__typename"], outcome["code"]) == ("RewardRetired", "REWARD_RETIRED")
    listed = await gql(op("Rewards"), {"first": 10}, token)
    assert listed["data"]["rewards"]["edges"] == []
    edit = await update_reward(gql, admin_token, rewardId=rid(reward), costPoints=5)
    assert edit["data"]["updateReward"]["__typename"] == "RewardRetired"
    again = await gql(op("RetireReward"), {"rewardId": rid(reward)}, admin_token)
    assert again["data"]["retireReward"]["__typename"] == "RetireRewardSuccess"
    assert await AuditLogEntry.filter(action="REWARD_RETIRED").count() == 1
    unknown = await gql(op("RetireReward"), {"rewardId": encode_id("Reward", 9999)}, admin_token)
    assert unknown["data"]["retireReward"]["__typename"] == "NotFound"


# Events ----------------------------------------------------------------------------------------


async def hosted_event(c: Collaborators, **values: Any) -> tuple[Member, Event]:
    host = await make_host()
    return host, await make_event(c, await make_group(host), **values)


async def test_the_host_and_an_admin_update_an_event(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host, event = await hosted_event(collaborators, capacity=1)
    waiting = await make_member()
    await make_member()
    for member in (await make_member(), waiting):
        await gql(
            op("RegisterForEvent"), {"eventId": eid(event)}, await token_for(collaborators, member)
        )
    body = await update_event(
        gql, await token_for(collaborators, host), eventId=eid(event), title="秋日品鉴", capacity=2
    )
    result = body["data"]["updateEvent"]
    assert result["__typename"] == "UpdateEventSuccess", result
    assert result["event"]["title"] == "秋日品鉴" and result["event"]["waitlistCount"] == 0
    promoted = await EventRegistration.get(event_id=event.id, member_id=waiting.id)
    assert promoted.status == RegistrationStatus.CONFIRMED
    admin = await token_of(collaborators, Role.ADMIN)
    again = await update_event(gql, admin, eventId=eid(event), location="会所三楼")
    assert again["data"]["updateEvent"]["event"]["location"] == "会所三楼"
    stored = await Event.get(id=event.id)
    assert (stored.title, stored.capacity, stored.location) == ("秋日品鉴", 2, "会所三楼")


async def refused_tokens(c: Collaborators) -> dict[str, str | None]:
    other_host = await make_host("小林")
    await make_group(other_host, name="烘焙", slug="baking")
    return {
        "RESIDENT": await token_of(c),
        "HOST of another group": await token_for(c, other_host),
        "MODERATOR": await token_of(c, Role.MODERATOR),
    }


async def test_residents_moderators_and_other_hosts_cannot_update_or_cancel_an_event(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    _, event = await hosted_event(collaborators)
    for who, token in (await refused_tokens(collaborators)).items():
        edit = await update_event(gql, token, eventId=eid(event), title="改个名字")
        assert error_code(edit) == "FORBIDDEN", who
        cancel = await gql(op("CancelEvent"), {"eventId": eid(event), "reason": "不办了"}, token)
        assert error_code(cancel) == "FORBIDDEN", who
    assert error_code(await update_event(gql, None, eventId=eid(event), title="匿名")) == (
        "UNAUTHENTICATED"
    )
    anonymous = await gql(op("CancelEvent"), {"eventId": eid(event), "reason": "匿名"})
    assert error_code(anonymous) == "UNAUTHENTICATED"
    stored = await Event.get(id=event.id)
    assert (stored.title, stored.cancelled_at) == ("咖啡品鉴会", None)
    assert not await AuditLogEntry.all().exists()


async def test_bad_event_edits_get_typed_errors_and_change_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host, event = await hosted_event(collaborators, capacity=5)
    for _ in range(3):
        member_token = await token_for(collaborators, await make_member())
        await gql(op("RegisterForEvent"), {"eventId": eid(event)}, member_token)
    token = await token_for(collaborators, host)

    backwards = await update_event(
        gql, token, eventId=eid(event), endsAt=(event.starts_at - timedelta(hours=1)).isoformat()
    )
    result = backwards["data"]["updateEvent"]
    assert result["__typename"] == "InvalidInput"
    assert result["fieldErrors"] == [{"field": "endsAt", "message": "结束时间应晚于开始时间"}]
    below = (await update_event(gql, token, eventId=eid(event), capacity=2))["data"]["updateEvent"]
    assert (below["__typename"], below["code"]) == ("InvalidInput", "CAPACITY_BELOW_TAKEN")
    assert [e["field"] for e in below["fieldErrors"]] == ["capacity"]
    missing = await update_event(gql, token, eventId=encode_id("Event", 9999), capacity=9)
    assert missing["data"]["updateEvent"]["__typename"] == "NotFound"
    stored = await Event.get(id=event.id)
    assert (stored.capacity, stored.ends_at) == (5, event.ends_at)
    assert not await AuditLogEntry.all().exists()


async def test_cancelling_an_event_cancels_its_registrations_and_refuses_new_ones(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host, event = await hosted_event(collaborators, capacity=1)
    members = [await make_member() for _ in range(3)]
    for member in members:
        await gql(
            op("RegisterForEvent"), {"eventId": eid(event)}, await token_for(collaborators, member)
        )
    token = await token_for(collaborators, host)

    body = await gql(op("CancelEvent"), {"eventId": eid(event), "reason": "场地维修"}, token)

    result = body["data"]["cancelEvent"]
    assert result["__typename"] == "CancelEventSuccess", result
    assert result["registrationsCancelled"] == 3
    assert result["event"] == {
        "id": eid(event),
        "cancelled": True,
        "cancelReason": "场地维修",
        "seatsLeft": 0,
        "waitlistCount": 0,
    }
    statuses = set(await column(EventRegistration.filter(event_id=event.id), "status"))
    assert statuses == {RegistrationStatus.CANCELLED}
    late = await token_for(collaborators, await make_member())
    refused = (await gql(op("RegisterForEvent"), {"eventId": eid(event)}, late))["data"]
    assert refused["registerForEvent"]["__typename"] == "EventCancelled"
    listed = await gql(op("Events"), {"first": 10}, late)
    assert listed["data"]["events"]["edges"][0]["node"]["id"] == eid(event)
    shown = await gql(
        "query($id: ID!) { node(id: $id) { ... on Event { cancelled cancelReason } } }",
        {"id": eid(event)},
        late,
    )
    assert shown["data"]["node"] == {"cancelled": True, "cancelReason": "场地维修"}
    again = await gql(op("CancelEvent"), {"eventId": eid(event), "reason": "又取消"}, token)
    assert again["data"]["cancelEvent"]["registrationsCancelled"] == 0
    edit = await update_event(gql, token, eventId=eid(event), title="还能改吗")
    assert edit["data"]["updateEvent"]["__typename"] == "EventCancelled"


async def test_a_past_event_cannot_be_cancelled_and_a_reason_is_required(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    _, event = await hosted_event(collaborators, starts_in=timedelta(hours=1))
    admin = await token_of(collaborators, Role.ADMIN)
    blank = await gql(op("CancelEvent"), {"eventId": eid(event), "reason": ""}, admin)
    assert blank["data"]["cancelEvent"]["fieldErrors"][0]["field"] == "reason"
    clock.advance(hours=5)
    admin = await token_of(collaborators, Role.ADMIN)
    over = await gql(op("CancelEvent"), {"eventId": eid(event), "reason": "太晚了"}, admin)
    assert over["data"]["cancelEvent"]["__typename"] == "EventOver"
    assert (await Event.get(id=event.id)).cancelled_at is None
