"""The points operations of the contract over HTTP: the viewer's points and ledger, check-in,
admin adjustments and the monthly leaderboard."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from graphql import GraphQLEnumType

from api.pagination import encode_cursor
from api.schema import schema
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity import services as identity
from domain.identity.models import Member, Role
from domain.points import models as points
from domain.points.services import award_points
from domain.programme.rules import DEFAULT_RULES
from domain.rewards import models as rewards
from tests.api.test_identity_api import op
from tests.conftest import GraphQLClient
from tests.factories import make_member
from web.ids import encode_id

ADMIN = (Role.RESIDENT, Role.ADMIN)


async def token_for(collaborators: Collaborators, member: Member) -> str:
    return (await identity.issue_api_tokens(collaborators, member)).access_token


def error_code(body: dict[str, Any]) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def statements_of(caplog: pytest.LogCaptureFixture, run: Callable[[], Awaitable[Any]]) -> int:
    """How many SQL statements ``run`` sent (the token lookup included)."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        await run()
    return sum(1 for r in caplog.records if r.name == "tortoise.db_client")


async def balance_of(member: Member) -> int:
    account = await points.PointsAccount.get_or_none(member_id=member.id)
    return account.balance if account else 0


async def adjust(
    gql: GraphQLClient, token: str, member: Member, amount: int, key: str, reason: str = "补发积分"
) -> dict[str, Any]:
    variables = {
        "input": {
            "memberId": encode_id("Member", member.id),
            "amount": amount,
            "reason": reason,
            "idempotencyKey": key,
        }
    }
    return await gql(op("AdjustPoints"), variables, token=token)


async def test_viewer_and_points_after_a_check_in_and_an_admin_adjustment(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    member = await make_member()
    admin = await make_member(roles=ADMIN)
    token = await token_for(collaborators, member)

    checked = (await gql(op("CheckIn"), token=token))["data"]["checkIn"]
    assert checked == {
        "__typename": "CheckInSuccess",
        "pointsAwarded": 2,
        "streak": 1,
        "points": {"balance": 2},
    }
    adjusted = await adjust(gql, await token_for(collaborators, admin), member, 50, "adjust-0001")
    entry = adjusted["data"]["adjustPoints"]
    assert entry["__typename"] == "AdjustPointsSuccess"
    assert entry["entry"]["amount"] == 50 and entry["entry"]["balanceAfter"] == 52
    assert entry["entry"]["reason"] == "ADJUSTMENT"

    viewer = (await gql(op("Viewer"), token=token))["data"]["viewer"]
    assert viewer["tier"] is None
    assert viewer["checkInStreak"] == 1 and viewer["checkedInToday"] is True
    wallet = viewer["points"]
    assert wallet["balance"] == 52 and wallet["pending"] == 0
    assert wallet["nextExpiry"]["amount"] == 52
    expires_at = datetime.fromisoformat(wallet["nextExpiry"]["expiresAt"])
    assert expires_at == DEFAULT_RULES.expiry_for(clock.now())

    body = await gql(op("Points"), {"first": 10}, token=token)
    ledger = body["data"]["viewer"]["points"]["ledger"]
    nodes = [edge["node"] for edge in ledger["edges"]]
    assert [(n["amount"], n["balanceAfter"], n["reason"]) for n in nodes] == [
        (50, 52, "ADJUSTMENT"),
        (2, 2, "CHECK_IN"),
    ]
    assert nodes[1]["description"] == "每日签到"
    assert ledger["pageInfo"]["hasNextPage"] is False
    stored = await points.LedgerEntry.filter(member_id=member.id).order_by("id")
    assert [e.amount for e in stored] == [2, 50] and await balance_of(member) == 52
    assert nodes[0]["id"] == encode_id("LedgerEntry", stored[1].id)


async def test_a_second_check_in_on_the_same_day_is_refused_and_the_streak_grows_daily(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    member = await make_member()
    token = await token_for(collaborators, member)
    await gql(op("CheckIn"), token=token)
    again = (await gql(op("CheckIn"), token=token))["data"]["checkIn"]
    assert again["__typename"] == "AlreadyCheckedIn" and again["code"] == "ALREADY_CHECKED_IN"
    assert await points.CheckIn.filter(member_id=member.id).count() == 1
    assert await balance_of(member) == 2

    clock.advance(days=1)
    token = await token_for(collaborators, member)  # access tokens last two hours
    viewer = (await gql(op("Viewer"), token=token))["data"]["viewer"]
    assert (viewer["checkInStreak"], viewer["checkedInToday"]) == (1, False)
    next_day = (await gql(op("CheckIn"), token=token))["data"]["checkIn"]
    assert next_day["streak"] == 2 and next_day["points"] == {"balance": 4}


async def test_the_tier_is_shown_once_computed(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    await Member.filter(id=member.id).update(tier="KOC")
    viewer = await gql(op("Viewer"), token=await token_for(collaborators, member))
    assert viewer["data"]["viewer"]["tier"] == "KOC"
    other = await gql(
        "query($id: ID!) { node(id: $id) { ... on Member { tier } } }",
        {"id": encode_id("Member", member.id)},
    )
    assert other["data"]["node"] == {"tier": "KOC"}


async def test_the_ledger_pages_newest_first_and_refuses_a_malformed_cursor(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    for ref in ("a", "b", "c"):
        await award_points(collaborators, member.id, "referral", ref)
    token = await token_for(collaborators, member)

    first = (await gql(op("Points"), {"first": 2}, token=token))["data"]["viewer"]["points"]
    assert [e["node"]["balanceAfter"] for e in first["ledger"]["edges"]] == [300, 200]
    assert first["ledger"]["pageInfo"]["hasNextPage"] is True
    after = first["ledger"]["pageInfo"]["endCursor"]
    rest = await gql(op("Points"), {"first": 2, "after": after}, token=token)
    ledger = rest["data"]["viewer"]["points"]["ledger"]
    assert [e["node"]["balanceAfter"] for e in ledger["edges"]] == [100]
    assert ledger["pageInfo"]["hasNextPage"] is False

    for cursor in ("not a cursor!", encode_cursor("x"), encode_cursor(1, 2)):
        bad = await gql(op("Points"), {"first": 2, "after": cursor}, token=token)
        assert error_code(bad) == "BAD_USER_INPUT", cursor
    too_many = await gql(op("Points"), {"first": 51}, token=token)
    assert error_code(too_many) == "BAD_USER_INPUT"


async def test_ledger_entries_are_nodes_only_their_owner_can_read(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    neighbour = await make_member()
    entry = await award_points(collaborators, member.id, "referral", "a")
    assert entry is not None
    query = "query($id: ID!) { node(id: $id) { ... on LedgerEntry { amount reason } } }"
    variables = {"id": encode_id("LedgerEntry", entry.id)}
    own = await gql(query, variables, token=await token_for(collaborators, member))
    assert own["data"]["node"] == {"amount": 100, "reason": "REFERRAL"}
    theirs = await gql(query, variables, token=await token_for(collaborators, neighbour))
    assert theirs["data"]["node"] is None
    assert (await gql(query, variables))["data"]["node"] is None


async def test_points_operations_need_a_member(gql: GraphQLClient) -> None:
    for name, variables in (("Viewer", {}), ("Points", {"first": 5}), ("CheckIn", {})):
        body = await gql(op(name), variables)
        assert error_code(body) == "UNAUTHENTICATED", name
    assert await points.CheckIn.all().count() == 0


async def test_adjusting_points_is_for_admins_only_and_changes_nothing_otherwise(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    for token in (await token_for(collaborators, member), await token_for(collaborators, host)):
        refused = await adjust(gql, token, member, 50, "adjust-0001")
        assert error_code(refused) == "FORBIDDEN" and refused["data"] is None
    anonymous = await gql(
        op("AdjustPoints"),
        {
            "input": {
                "memberId": encode_id("Member", member.id),
                "amount": 5,
                "reason": "补发积分",
                "idempotencyKey": "adjust-0002",
            }
        },
    )
    assert error_code(anonymous) == "UNAUTHENTICATED"
    assert await points.LedgerEntry.all().count() == 0
    assert await points.AdjustmentRequest.all().count() == 0


async def test_each_adjustment_outcome_is_typed(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    member = await make_member()
    token = await token_for(collaborators, await make_member(roles=ADMIN))

    first = (await adjust(gql, token, member, 20, "adjust-0001"))["data"]["adjustPoints"]
    replay = (await adjust(gql, token, member, 20, "adjust-0001"))["data"]["adjustPoints"]
    assert replay["entry"]["id"] == first["entry"]["id"]
    assert await points.LedgerEntry.filter(member_id=member.id).count() == 1

    invalid = (await adjust(gql, token, member, 0, "short", reason="x"))["data"]["adjustPoints"]
    assert invalid["__typename"] == "InvalidInput" and invalid["code"] == "INVALID_INPUT"
    bad_id = await gql(
        op("AdjustPoints"),
        {
            "input": {
                "memberId": "garbage",
                "amount": 5,
                "reason": "补发积分",
                "idempotencyKey": "adjust-0003",
            }
        },
        token=token,
    )
    assert bad_id["data"]["adjustPoints"]["__typename"] == "InvalidInput"
    ghost = await make_member()
    await Member.filter(id=ghost.id).delete()
    missing = (await adjust(gql, token, ghost, 5, "adjust-0004"))["data"]["adjustPoints"]
    assert missing["__typename"] == "NotFound" and missing["code"] == "NOT_FOUND"

    details = """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) {
      __typename
      ... on AdjustmentPendingApproval { code requestId }
      ... on InsufficientPoints { balance cost }
      ... on InvalidInput { fieldErrors { field } } } }"""
    variables = {"memberId": encode_id("Member", member.id), "reason": "大额补偿"}
    big = await gql(
        details, {"input": {**variables, "amount": 1500, "idempotencyKey": "big-0001"}}, token=token
    )
    pending = big["data"]["adjustPoints"]
    request = await points.AdjustmentRequest.get(member_id=member.id)
    assert pending == {
        "__typename": "AdjustmentPendingApproval",
        "code": "APPROVAL_REQUIRED",
        "requestId": encode_id("AdjustmentRequest", request.id),
    }
    overdraft = await gql(
        details,
        {"input": {**variables, "amount": -30, "idempotencyKey": "take-0001"}},
        token=token,
    )
    assert overdraft["data"]["adjustPoints"] == {
        "__typename": "InsufficientPoints",
        "balance": 20,
        "cost": 30,
    }
    fields = await gql(
        details, {"input": {**variables, "amount": 0, "idempotencyKey": "x"}}, token=token
    )
    assert [e["field"] for e in fields["data"]["adjustPoints"]["fieldErrors"]] == [
        "amount",
        "idempotencyKey",
    ]
    assert await balance_of(member) == 20
    assert await points.LedgerEntry.filter(member_id=member.id).count() == 1


async def leaderboard(
    gql: GraphQLClient, kind: str = "POINTS", first: int = 10, token: str | None = None
) -> dict[str, Any]:
    body = await gql(op("Leaderboard"), {"kind": kind, "first": first}, token=token)
    return body


async def test_the_leaderboard_ranks_this_months_earners_and_places_the_viewer(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    top = await make_member(display_name="第一名")
    second = await make_member(display_name="第二名")
    third = await make_member(display_name="第三名")
    watcher = await make_member()
    for ref in ("a", "b", "c"):
        await award_points(collaborators, top.id, "referral", ref)
    for ref in ("a", "b"):
        await award_points(collaborators, second.id, "referral", ref)
    await award_points(collaborators, third.id, "referral", "a")
    admin_token = await token_for(collaborators, await make_member(roles=ADMIN))
    await adjust(gql, admin_token, third, 900, "adjust-0001")  # corrections are not earnings

    board = (await leaderboard(gql, first=2, token=await token_for(collaborators, third)))["data"]
    entries = board["leaderboard"]["entries"]
    assert [(e["rank"], e["score"], e["member"]["displayName"]) for e in entries] == [
        (1, 300, "第一名"),
        (2, 200, "第二名"),
    ]
    assert entries[0]["member"]["id"] == encode_id("Member", top.id)
    assert board["leaderboard"]["viewerEntry"] == {"rank": 3, "score": 100}

    off_board = await leaderboard(gql, token=await token_for(collaborators, watcher))
    assert off_board["data"]["leaderboard"]["viewerEntry"] is None
    anonymous = (await leaderboard(gql))["data"]["leaderboard"]
    assert len(anonymous["entries"]) == 3 and anonymous["viewerEntry"] is None
    referrals = (await leaderboard(gql, "REFERRALS", token=admin_token))["data"]["leaderboard"]
    assert referrals == {"entries": [], "viewerEntry": None}
    assert error_code(await leaderboard(gql, first=0)) == "BAD_USER_INPUT"


async def test_the_leaderboard_loads_its_members_in_one_statement(
    gql: GraphQLClient, collaborators: Collaborators, caplog: pytest.LogCaptureFixture
) -> None:
    first = await make_member()
    await award_points(collaborators, first.id, "referral", "a")
    await leaderboard(gql)  # the first read of an empty Redis builds the board from the ledger
    one = await statements_of(caplog, lambda: leaderboard(gql))
    for n in range(5):
        member = await make_member()
        await award_points(collaborators, member.id, "referral", str(n))
    six = await statements_of(caplog, lambda: leaderboard(gql))
    assert one == six == 1


@pytest.mark.parametrize(
    ("graphql_name", "domain_enum"),
    [("LedgerReason", points.LedgerReason), ("RedemptionStatus", rewards.RedemptionStatus)],
)
def test_the_graphql_enums_have_exactly_the_domains_values(
    graphql_name: str, domain_enum: type
) -> None:
    ours = schema._schema.type_map[graphql_name]
    assert isinstance(ours, GraphQLEnumType)
    assert set(ours.values) == {value.value for value in domain_enum}  # type: ignore[attr-defined]


POINTS_AND_REWARDS_TYPES = (
    "Points PointsExpiry LedgerEntry LedgerEntryConnection LedgerReason CheckInSuccess "
    "AdjustPointsSuccess AdjustPointsInput AdjustmentPendingApproval InsufficientPoints "
    "AlreadyCheckedIn IdempotencyMismatch Leaderboard LeaderboardEntry LeaderboardKind Tier "
    "Reward RewardConnection Image Redemption RedemptionConnection RedemptionStatus "
    "RedeemRewardInput RedeemRewardSuccess RewardSoldOut LimitReached CancelRedemptionInput "
    "CancelRedemptionSuccess NotCancellable CreateRewardInput CreateRewardSuccess "
    "RestockRewardInput RestockRewardSuccess FulfilRedemptionInput FulfilRedemptionSuccess "
    "AlreadyFulfilled CheckInResult AdjustPointsResult RedeemRewardResult "
    "CancelRedemptionResult CreateRewardResult RestockRewardResult FulfilRedemptionResult"
).split()


@pytest.mark.parametrize("name", POINTS_AND_REWARDS_TYPES)
def test_every_points_and_rewards_type_and_field_is_described(name: str) -> None:
    kind = schema._schema.type_map[name]
    assert kind.description, name
    fields = getattr(kind, "fields", {}) or getattr(kind, "values", {})
    undescribed = [f for f, v in fields.items() if not v.description]
    assert not undescribed, f"{name}: {undescribed}"
