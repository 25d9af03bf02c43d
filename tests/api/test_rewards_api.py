"""The points-mall operations of the contract over HTTP: the reward list, redeeming with an
idempotency key, the viewer's redemptions, cancelling, fulfilling by pickup code, and the staff
operations that create and restock rewards."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.points.services import award_points
from domain.rewards import services
from domain.rewards.models import (
    IdempotencyRecord,
    Redemption,
    RedemptionStatus,
    Reward,
    RewardRestock,
)
from tests.api.test_identity_api import op
from tests.api.test_points_api import ADMIN, balance_of, error_code, statements_of, token_for
from tests.conftest import GraphQLClient
from tests.factories import make_image, make_member
from tests.refusals import expected_refusal, refusal_of
from web.ids import encode_id

HOST = (Role.RESIDENT, Role.HOST)


async def make_reward(
    collaborators: Collaborators,
    name: str = "挂耳咖啡",
    cost: int = 30,
    stock: int = 5,
    **more: Any,
) -> Reward:
    admin = await make_member(roles=ADMIN)
    new = services.NewReward(
        name=name, description="一盒十包", cost_points=cost, stock=stock, **more
    )
    return await services.create_reward(collaborators, admin, new)


async def funded_member(collaborators: Collaborators, referrals: int = 1) -> Member:
    """A resident with 100 points per referral."""
    member = await make_member()
    for n in range(referrals):
        await award_points(collaborators, member.id, "referral", f"ref-{n}")
    return member


async def redeem(
    gql: GraphQLClient,
    token: str | None,
    reward: Reward | int,
    quantity: int = 1,
    key: str = "redeem-0001",
) -> dict[str, Any]:
    reward_id = reward if isinstance(reward, int) else reward.id
    variables = {
        "rewardId": encode_id("Reward", reward_id),
        "quantity": quantity,
        "idempotencyKey": key,
    }
    return await gql(op("RedeemReward"), variables, token=token)


async def stock_of(reward: Reward) -> int:
    return (await Reward.get(id=reward.id)).stock


async def test_rewards_lists_what_is_open_now_with_the_viewers_redeemed_count(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    coffee = await make_reward(collaborators, "挂耳咖啡", per_member_limit=2)
    tea = await make_reward(collaborators, "冷泡茶")
    await make_reward(collaborators, "明年的月饼", available_from=clock.now() + timedelta(days=9))
    await make_reward(collaborators, "去年的粽子", available_until=clock.now() - timedelta(days=1))
    retired = await make_reward(collaborators, "下架的杯子")
    await Reward.filter(id=retired.id).update(active=False)
    member = await funded_member(collaborators)
    await services.redeem_reward(collaborators, member, coffee.id, 1, "redeem-0001")
    cancelled = await services.redeem_reward(collaborators, member, tea.id, 1, "redeem-0002")
    await services.cancel_redemption(collaborators, member, cancelled.id)
    token = await token_for(collaborators, member)

    body = await gql(op("Rewards"), {"first": 10}, token=token)
    nodes = [edge["node"] for edge in body["data"]["rewards"]["edges"]]
    assert nodes == [
        {
            "id": encode_id("Reward", coffee.id),
            "name": "挂耳咖啡",
            "description": "一盒十包",
            "image": None,
            "costPoints": 30,
            "stock": 4,
            "perMemberLimit": 2,
            "viewerRedeemedCount": 1,
        },
        {
            "id": encode_id("Reward", tea.id),
            "name": "冷泡茶",
            "description": "一盒十包",
            "image": None,
            "costPoints": 30,
            "stock": 5,
            "perMemberLimit": None,
            "viewerRedeemedCount": 0,
        },
    ]
    anonymous = await gql(op("Rewards"), {"first": 10})
    assert [e["node"]["viewerRedeemedCount"] for e in anonymous["data"]["rewards"]["edges"]] == [
        0,
        0,
    ]

    page = (await gql(op("Rewards"), {"first": 1}))["data"]["rewards"]
    assert [e["node"]["name"] for e in page["edges"]] == ["挂耳咖啡"]
    assert page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    rest = (await gql(op("Rewards"), {"first": 1, "after": after}))["data"]["rewards"]
    assert [e["node"]["name"] for e in rest["edges"]] == ["冷泡茶"]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert error_code(await gql(op("Rewards"), {"first": 1, "after": "%%%"})) == "BAD_USER_INPUT"


async def test_the_reward_list_and_my_redemptions_run_the_same_statements_whatever_their_size(
    gql: GraphQLClient, collaborators: Collaborators, caplog: pytest.LogCaptureFixture
) -> None:
    member = await funded_member(collaborators, referrals=3)
    token = await token_for(collaborators, member)
    first = await make_reward(collaborators, "第一件", per_member_limit=5)
    await services.redeem_reward(collaborators, member, first.id, 1, "redeem-first")

    async def both() -> None:
        await gql(op("Rewards"), {"first": 10}, token=token)
        await gql(op("MyRedemptions"), {"first": 10}, token=token)

    small = await statements_of(caplog, both)
    for n in range(4):
        reward = await make_reward(collaborators, f"好物{n}")
        await services.redeem_reward(collaborators, member, reward.id, 1, f"redeem-{n:04}")
    large = await statements_of(caplog, both)
    assert small == large


async def test_redeem_list_and_cancel_restore_the_balance_and_the_stock(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    reward = await make_reward(collaborators, cost=30, stock=5)
    token = await token_for(collaborators, member)

    result = (await redeem(gql, token, reward, quantity=2))["data"]["redeemReward"]
    assert result["__typename"] == "RedeemRewardSuccess"
    stored = await Redemption.get(member_id=member.id)
    assert result["redemption"] == {
        "id": encode_id("Redemption", stored.id),
        "status": "RESERVED",
        "pickupCode": stored.pickup_code,
        "quantity": 2,
        "pointsSpent": 60,
        "reward": {"id": encode_id("Reward", reward.id), "name": "挂耳咖啡", "stock": 3},
    }
    assert result["points"] == {"balance": 40}
    assert await balance_of(member) == 40 and await stock_of(reward) == 3

    mine = (await gql(op("MyRedemptions"), {"first": 10}, token=token))["data"]["viewer"]
    [edge] = mine["redemptions"]["edges"]
    assert edge["node"]["id"] == encode_id("Redemption", stored.id)
    assert edge["node"]["pickupCode"] == stored.pickup_code
    assert edge["node"]["status"] == "RESERVED" and edge["node"]["createdAt"]
    assert mine["redemptions"]["pageInfo"]["hasNextPage"] is False

    variables = {"redemptionId": encode_id("Redemption", stored.id)}
    cancelled = (await gql(op("CancelRedemption"), variables, token=token))["data"]
    assert cancelled["cancelRedemption"] == {
        "__typename": "CancelRedemptionSuccess",
        "redemption": {"id": encode_id("Redemption", stored.id), "status": "CANCELLED"},
        "points": {"balance": 100},
    }
    assert await balance_of(member) == 100 and await stock_of(reward) == 5
    assert (await Redemption.get(id=stored.id)).status == RedemptionStatus.CANCELLED

    again = (await gql(op("CancelRedemption"), variables, token=token))["data"]
    assert again["cancelRedemption"]["__typename"] == "NotCancellable"
    assert again["cancelRedemption"]["code"] == "NOT_CANCELLABLE"
    assert await balance_of(member) == 100


async def test_cancelling_someone_elses_or_a_malformed_redemption_is_typed(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    reward = await make_reward(collaborators)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "redeem-0001")
    neighbour = await token_for(collaborators, await make_member())
    variables = {"redemptionId": encode_id("Redemption", redemption.id)}
    theirs = (await gql(op("CancelRedemption"), variables, token=neighbour))["data"]
    assert theirs["cancelRedemption"]["code"] == "NOT_FOUND"
    bad = await gql(op("CancelRedemption"), {"redemptionId": "nope"}, token=neighbour)
    assert bad["data"]["cancelRedemption"]["__typename"] == "InvalidInput"
    assert (await Redemption.get(id=redemption.id)).status == RedemptionStatus.RESERVED
    assert await balance_of(member) == 70


async def test_replaying_an_idempotency_key_returns_the_same_redemption_and_spends_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    coffee = await make_reward(collaborators)
    tea = await make_reward(collaborators, "冷泡茶")
    token = await token_for(collaborators, member)
    first = (await redeem(gql, token, coffee))["data"]["redeemReward"]
    replay = (await redeem(gql, token, coffee))["data"]["redeemReward"]
    assert replay["__typename"] == "RedeemRewardSuccess"
    assert replay["redemption"]["id"] == first["redemption"]["id"]
    assert replay["points"] == {"balance": 70}
    other = (await redeem(gql, token, tea))["data"]["redeemReward"]
    assert other["__typename"] == "IdempotencyMismatch"
    assert other["code"] == "IDEMPOTENCY_MISMATCH"
    assert await Redemption.all().count() == 1
    assert await balance_of(member) == 70 and await stock_of(tea) == 5


async def test_each_refused_redemption_is_typed_and_changes_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    token = await token_for(collaborators, member)
    dear = await make_reward(collaborators, "咖啡机", cost=500)
    last = await make_reward(collaborators, "最后一件", cost=10, stock=1)
    limited = await make_reward(collaborators, "限购一件", cost=10, per_member_limit=1)

    poor = (await redeem(gql, token, dear, key="redeem-poor"))["data"]["redeemReward"]
    assert poor == {
        "__typename": "InsufficientPoints",
        "code": "INSUFFICIENT_POINTS",
        "message": poor["message"],
        "balance": 100,
        "cost": 500,
    }
    sold = (await redeem(gql, token, last, 2, key="redeem-sold"))["data"]["redeemReward"]
    assert (sold["__typename"], sold["code"]) == ("RewardSoldOut", "SOLD_OUT")
    over = (await redeem(gql, token, limited, 2, key="redeem-over"))["data"]["redeemReward"]
    assert (over["__typename"], over["code"]) == ("LimitReached", "LIMIT_REACHED")
    gone = (await redeem(gql, token, 99999, key="redeem-gone"))["data"]["redeemReward"]
    assert (gone["__typename"], gone["code"]) == ("NotFound", "NOT_FOUND")
    invalid = (await redeem(gql, token, last, 0, key="short"))["data"]["redeemReward"]
    assert (invalid["__typename"], invalid["code"]) == ("InvalidInput", "INVALID_INPUT")
    wrong_type = await gql(
        op("RedeemReward"),
        {"rewardId": encode_id("Member", member.id), "quantity": 1, "idempotencyKey": "redeem-x"},
        token=token,
    )
    assert wrong_type["data"]["redeemReward"]["__typename"] == "InvalidInput"

    assert await balance_of(member) == 100 and await Redemption.all().count() == 0
    assert [await stock_of(r) for r in (dear, last, limited)] == [5, 1, 5]


async def test_flooding_redemptions_is_rate_limited(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await funded_member(collaborators))
    codes = []
    for n in range(30):
        result = (await redeem(gql, token, 99999, key=f"redeem-{n:04}"))["data"]["redeemReward"]
        codes.append(result["code"])
        if result["__typename"] == "RateLimited":
            break
    assert codes[-1] == "RATE_LIMITED" and set(codes[:-1]) == {"NOT_FOUND"}


async def test_member_operations_of_the_mall_need_a_member(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    reward = await make_reward(collaborators)
    redeemed = await redeem(gql, None, reward)
    listed = await gql(op("MyRedemptions"), {"first": 5})
    cancelled = await gql(op("CancelRedemption"), {"redemptionId": encode_id("Redemption", 1)})
    for body in (redeemed, listed, cancelled):
        assert error_code(body) == "UNAUTHENTICATED"
    assert await Redemption.all().count() == 0 and await stock_of(reward) == 5


async def test_a_host_fulfils_by_pickup_code_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    reward = await make_reward(collaborators)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "redeem-0001")
    host = await make_member(roles=HOST)
    host_token = await token_for(collaborators, host)
    typed = " ".join(redemption.pickup_code.lower())  # as read aloud and typed at the counter

    done = (await gql(op("FulfilRedemption"), {"pickupCode": typed}, token=host_token))["data"]
    assert done["fulfilRedemption"] == {
        "__typename": "FulfilRedemptionSuccess",
        "redemption": {
            "id": encode_id("Redemption", redemption.id),
            "status": "FULFILLED",
            "reward": {"id": encode_id("Reward", reward.id), "name": "挂耳咖啡"},
        },
    }
    stored = await Redemption.get(id=redemption.id)
    assert stored.status == RedemptionStatus.FULFILLED
    assert stored.fulfilled_by_id == host.id

    code = {"pickupCode": redemption.pickup_code}
    twice = (await gql(op("FulfilRedemption"), code, token=host_token))["data"]
    assert twice["fulfilRedemption"]["__typename"] == "AlreadyFulfilled"
    assert twice["fulfilRedemption"]["code"] == "ALREADY_FULFILLED"
    unknown = await gql(op("FulfilRedemption"), {"pickupCode": "ZZZZZZ"}, token=host_token)
    assert unknown["data"]["fulfilRedemption"]["code"] == "NOT_FOUND"

    member_token = await token_for(collaborators, member)
    variables = {"redemptionId": encode_id("Redemption", redemption.id)}
    late = (await gql(op("CancelRedemption"), variables, token=member_token))["data"]
    assert late["cancelRedemption"]["code"] == "NOT_CANCELLABLE"
    mine = (await gql(op("MyRedemptions"), {"first": 5}, token=member_token))["data"]
    assert mine["viewer"]["redemptions"]["edges"][0]["node"]["status"] == "FULFILLED"
    assert await balance_of(member) == 70


async def test_the_pickup_code_is_shown_only_to_the_member_who_redeemed(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    reward = await make_reward(collaborators)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "redeem-0001")
    fulfil = """mutation($code: String!) { fulfilRedemption(input: {pickupCode: $code}) {
      ... on FulfilRedemptionSuccess { redemption { pickupCode } } } }"""
    admin_token = await token_for(collaborators, await make_member(roles=ADMIN))
    body = await gql(fulfil, {"code": redemption.pickup_code}, token=admin_token)
    assert body["data"]["fulfilRedemption"] == {"redemption": {"pickupCode": None}}
    node = "query($id: ID!) { node(id: $id) { ... on Redemption { pickupCode } } }"
    variables = {"id": encode_id("Redemption", redemption.id)}
    own = await gql(node, variables, token=await token_for(collaborators, member))
    assert own["data"]["node"] == {"pickupCode": redemption.pickup_code}
    assert (await gql(node, variables, token=admin_token))["data"]["node"] is None


async def test_residents_cannot_run_staff_operations_and_nothing_changes(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    reward = await make_reward(collaborators)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "redeem-0001")
    resident = await token_for(collaborators, member)
    host = await token_for(collaborators, await make_member(roles=HOST))
    create = {"input": {"name": "新好物", "description": "介绍", "costPoints": 10, "stock": 3}}
    restock = {"rewardId": encode_id("Reward", reward.id), "quantity": 5}
    for token in (resident, host):
        assert error_code(await gql(op("CreateReward"), create, token=token)) == "FORBIDDEN"
        assert error_code(await gql(op("RestockReward"), restock, token=token)) == "FORBIDDEN"
    code = {"pickupCode": redemption.pickup_code}
    assert error_code(await gql(op("FulfilRedemption"), code, token=resident)) == "FORBIDDEN"
    for name, variables in (
        ("CreateReward", create),
        ("RestockReward", restock),
        ("FulfilRedemption", code),
    ):
        assert error_code(await gql(op(name), variables)) == "UNAUTHENTICATED"
    assert await Reward.all().count() == 1 and await stock_of(reward) == 4
    assert await RewardRestock.all().count() == 0
    assert (await Redemption.get(id=redemption.id)).status == RedemptionStatus.RESERVED


async def test_an_admin_creates_and_restocks_a_reward(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=ADMIN)
    token = await token_for(collaborators, admin)
    new = {
        "name": "社区帆布袋",
        "description": "在驿站领取",
        "costPoints": 80,
        "stock": 20,
        "perMemberLimit": 1,
        "availableUntil": "2026-12-31T16:00:00+00:00",
    }
    created = (await gql(op("CreateReward"), {"input": new}, token=token))["data"]["createReward"]
    reward = await Reward.get(name="社区帆布袋")
    assert created == {
        "__typename": "CreateRewardSuccess",
        "reward": {
            "id": encode_id("Reward", reward.id),
            "name": "社区帆布袋",
            "costPoints": 80,
            "stock": 20,
        },
    }
    assert (reward.per_member_limit, reward.initial_stock) == (1, 20)
    assert reward.available_until is not None and reward.available_until.hour == 16

    restock = {"rewardId": encode_id("Reward", reward.id), "quantity": 5}
    more = (await gql(op("RestockReward"), restock, token=token))["data"]["restockReward"]
    assert more == {
        "__typename": "RestockRewardSuccess",
        "reward": {"id": encode_id("Reward", reward.id), "stock": 25},
    }
    assert await stock_of(reward) == 25
    assert await RewardRestock.filter(reward_id=reward.id, quantity=5).count() == 1


async def test_an_admin_gives_a_new_reward_a_picture_from_their_own_upload(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin, someone = await make_member(roles=ADMIN), await make_member()
    token = await token_for(collaborators, admin)
    mine, theirs = await make_image(admin), await make_image(someone)
    base = {"name": "帆布袋", "description": "南门驿站自取", "costPoints": 50, "stock": 3}

    async def create(image_id: str) -> dict[str, Any]:
        variables = {"input": {**base, "imageId": image_id}}
        body = await gql(op("CreateReward"), variables, token=token)
        result: dict[str, Any] = body["data"]["createReward"]
        return result

    for refused_id in (encode_id("Image", theirs.id), encode_id("Image", 99999)):
        refused = await create(refused_id)
        assert refused["__typename"] == "InvalidInput"
        assert [e["field"] for e in refused["fieldErrors"]] == ["imageId"]
    assert not await Reward.exists()
    created = await create(encode_id("Image", mine.id))
    assert created["__typename"] == "CreateRewardSuccess"
    assert (await Reward.get()).image_url == f"/media/{mine.storage_key}"


async def test_bad_staff_input_is_typed_and_changes_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    reward = await make_reward(collaborators)
    bad = {"name": "x", "description": "介绍", "costPoints": 0, "stock": 3, "imageId": "img-1"}
    created = (await gql(op("CreateReward"), {"input": bad}, token=token))["data"]
    result = created["createReward"]
    assert result["__typename"] == "InvalidInput" and result["code"] == "INVALID_INPUT"
    assert [e["field"] for e in result["fieldErrors"]] == ["imageId", "name", "costPoints"]
    assert await Reward.all().count() == 1

    zero = {"rewardId": encode_id("Reward", reward.id), "quantity": 0}
    refused = (await gql(op("RestockReward"), zero, token=token))["data"]["restockReward"]
    assert refused["__typename"] == "InvalidInput"
    missing = {"rewardId": encode_id("Reward", 99999), "quantity": 5}
    gone = (await gql(op("RestockReward"), missing, token=token))["data"]["restockReward"]
    assert (gone["__typename"], gone["code"]) == ("NotFound", "NOT_FOUND")
    garbled = {"rewardId": "garbage", "quantity": 5}
    bad_id = (await gql(op("RestockReward"), garbled, token=token))["data"]["restockReward"]
    assert bad_id["__typename"] == "InvalidInput"
    assert await stock_of(reward) == 5 and await RewardRestock.all().count() == 0


async def test_rewards_are_public_nodes(gql: GraphQLClient, collaborators: Collaborators) -> None:
    reward = await make_reward(collaborators)
    query = "query($id: ID!) { node(id: $id) { ... on Reward { name stock viewerRedeemedCount } } }"
    body = await gql(query, {"id": encode_id("Reward", reward.id)})
    assert body["data"]["node"] == {"name": "挂耳咖啡", "stock": 5, "viewerRedeemedCount": 0}


async def test_a_retry_with_a_known_key_is_answered_while_redemptions_are_rate_limited(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    coffee = await make_reward(collaborators)
    token = await token_for(collaborators, member)
    first = (await redeem(gql, token, coffee, key="retry-0001"))["data"]["redeemReward"]
    limited = None
    for n in range(30):  # flood until the per-minute limit refuses
        limited = (await redeem(gql, token, 99999, key=f"flood-{n:04}"))["data"]["redeemReward"]
        if limited["__typename"] == "RateLimited":
            break
    assert limited is not None and limited["code"] == "RATE_LIMITED"

    retry = (await redeem(gql, token, coffee, key="retry-0001"))["data"]["redeemReward"]

    assert retry["__typename"] == "RedeemRewardSuccess"
    assert retry["redemption"]["id"] == first["redemption"]["id"]
    assert retry["points"] == {"balance": 70}
    assert await Redemption.all().count() == 1 and await IdempotencyRecord.all().count() == 1
    assert await balance_of(member) == 70 and await stock_of(coffee) == 4


async def test_a_retry_with_a_known_key_is_answered_after_the_member_spent_every_mutation(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    coffee = await make_reward(collaborators)
    token = await token_for(collaborators, member)
    first = (await redeem(gql, token, coffee, key="retry-0002"))["data"]["redeemReward"]
    limit = collaborators.settings.mutations_per_minute
    for _ in range(limit):  # spend the rest of the minute's mutations on something else
        await gql("mutation { checkIn { __typename } }", token=token)
    balance_before = await balance_of(member)
    fresh = (await redeem(gql, token, coffee, key="fresh-0001"))["data"]["redeemReward"]
    retry = (await redeem(gql, token, coffee, key="retry-0002"))["data"]["redeemReward"]

    assert fresh["__typename"] == "RateLimited" and fresh["code"] == "RATE_LIMITED"
    assert retry["__typename"] == "RedeemRewardSuccess"
    assert retry["redemption"]["id"] == first["redemption"]["id"]
    assert await Redemption.all().count() == 1 and await IdempotencyRecord.all().count() == 1
    assert await balance_of(member) == balance_before and await stock_of(coffee) == 4


async def test_fulfilling_a_cancelled_redemption_answers_redemption_cancelled(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    reward = await make_reward(collaborators)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "redeem-0001")
    await services.cancel_redemption(collaborators, member, redemption.id)
    host_token = await token_for(collaborators, await make_member(roles=HOST))

    code = {"pickupCode": redemption.pickup_code}
    body = await gql(op("FulfilRedemption"), code, token=host_token)

    answer = body["data"]["fulfilRedemption"]
    assert answer["__typename"] == "RedemptionCancelled"
    assert answer["code"] == "REDEMPTION_CANCELLED" and "取消" in answer["message"]
    stored = await Redemption.get(id=redemption.id)
    assert stored.status == RedemptionStatus.CANCELLED and stored.fulfilled_at is None
    assert await balance_of(member) == 100 and await stock_of(reward) == 5


async def ascii_gql(
    gql: GraphQLClient, query: str, variables: dict[str, Any], token: str
) -> dict[str, Any]:
    """As a client with broken UTF-16 sends it: lone surrogates escaped in the JSON body."""
    response = await gql.http.post(
        "/graphql",
        content=json.dumps({"query": query, "variables": variables}, ensure_ascii=True),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code in (200, 400), response.text
    body: dict[str, Any] = response.json()
    return body


async def test_malformed_pickup_codes_and_idempotency_keys_are_invalid_input_not_masked(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await funded_member(collaborators)
    reward = await make_reward(collaborators)
    redemption = await services.redeem_reward(collaborators, member, reward.id, 1, "redeem-0001")
    host_token = await token_for(collaborators, await make_member(roles=HOST))
    token = await token_for(collaborators, member)

    for code in ("ABCDEFG", "AB\x00CDE", "AB\x1fCDE", "AB\ud800CDE", "A" * 40_000):
        body = await ascii_gql(gql, op("FulfilRedemption"), {"pickupCode": code}, host_token)
        refused = refusal_of(body, "fulfilRedemption")
        assert refused == expected_refusal(code, "INVALID_INPUT"), body
    for key in ("key-\x00-0001", "key-\x0b-0001", "key-\ud800-0001", "k" * 65):
        variables = {"rewardId": encode_id("Reward", reward.id), "quantity": 1}
        body = await ascii_gql(gql, op("RedeemReward"), {**variables, "idempotencyKey": key}, token)
        refused = refusal_of(body, "redeemReward")
        assert refused == expected_refusal(key, "INVALID_INPUT"), body

    assert (await Redemption.get(id=redemption.id)).status == RedemptionStatus.RESERVED
    assert await Redemption.all().count() == 1 and await IdempotencyRecord.all().count() == 1
    assert await balance_of(member) == 70 and await stock_of(reward) == 4
