"""Purchases and referrals over HTTP: RecordPurchases (admins only, idempotent, rows refused one by
one), MyReferrals with a constant number of statements, and the 推荐之星 leaderboard equal to its
rebuild from PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.points.models import LedgerEntry, LedgerReason
from domain.purchases.models import Purchase
from domain.referrals import leaderboard as referral_board
from domain.referrals.models import Referral, ReferralStatus
from tests.api.test_identity_api import op
from tests.api.test_points_api import ADMIN, error_code, statements_of, token_for
from tests.conftest import GraphQLClient
from tests.domain.purchase_helpers import refer
from tests.factories import CLOCK_START, make_member
from web.ids import encode_id


def purchase(c: Collaborators, order_id: str, member: Member, cents: int = 5_000) -> dict[str, Any]:
    return {
        "orderId": order_id,
        "phone": member.phone,
        "amountCents": cents,
        "occurredAt": (c.clock.now() - timedelta(hours=1)).isoformat(),
        "items": ["阳台种菜种子包"],
    }


async def record(gql: GraphQLClient, token: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    body = await gql(op("RecordPurchases"), {"input": {"purchases": rows}}, token=token)
    result: dict[str, Any] = body["data"]["recordPurchases"] if body.get("data") else body
    return result


async def test_an_admin_records_purchases_once_and_a_replay_is_all_duplicates(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    buyer = await make_member()
    rows = [purchase(collaborators, "P-1", buyer), purchase(collaborators, "P-2", buyer, 199)]
    first = await record(gql, token, rows)
    assert first == {"__typename": "RecordPurchasesSuccess", "recorded": 2, "duplicates": 0}
    again = await record(gql, token, rows)
    assert again == {"__typename": "RecordPurchasesSuccess", "recorded": 0, "duplicates": 2}
    assert await Purchase.all().count() == 2
    entries = await LedgerEntry.filter(member_id=buyer.id, reason=LedgerReason.PURCHASE)
    assert sorted(e.amount for e in entries) == [1, 50]


async def test_non_staff_get_forbidden_and_strangers_unauthenticated_and_nothing_changes(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    resident = await make_member()
    rows = [purchase(collaborators, "F-1", resident)]
    body = await gql(op("RecordPurchases"), {"input": {"purchases": rows}})
    assert error_code(body) == "UNAUTHENTICATED"
    token = await token_for(collaborators, resident)
    body = await gql(op("RecordPurchases"), {"input": {"purchases": rows}}, token=token)
    assert error_code(body) == "FORBIDDEN" and body["data"] is None
    assert not await Purchase.exists() and not await LedgerEntry.exists()


ROW_ERRORS = """
mutation ($input: RecordPurchasesInput!) {
  recordPurchases(input: $input) {
    __typename
    ... on RecordPurchasesSuccess {
      recorded duplicates rejected pointsAwarded referralsRewarded
      rowErrors { index field message }
    }
    ... on InvalidInput { code fieldErrors { field message } }
  }
}
"""


async def test_bad_rows_are_listed_by_index_while_the_good_ones_are_recorded(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    buyer = await make_member()
    rows = [
        purchase(collaborators, "G-1", buyer),
        {**purchase(collaborators, "G-2", buyer), "amountCents": -1},
        {**purchase(collaborators, "G-3", buyer), "phone": None, "memberId": "bm90LWFuLWlk"},
        {**purchase(collaborators, "G-4", buyer), "phone": None},
    ]
    body = await gql(ROW_ERRORS, {"input": {"purchases": rows}}, token=token)
    result = body["data"]["recordPurchases"]
    assert result["__typename"] == "RecordPurchasesSuccess"
    assert (result["recorded"], result["rejected"], result["pointsAwarded"]) == (1, 3, 50)
    assert [(e["index"], e["field"]) for e in result["rowErrors"]] == [
        (1, "purchases.1.amountCents"),
        (2, "purchases.2.memberId"),
        (3, "purchases.3.phone"),
    ]
    assert await Purchase.filter(order_id="G-1").exists()
    assert await Purchase.all().count() == 1


async def test_a_batch_with_nothing_recordable_is_invalid_input_and_changes_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    buyer = await make_member()
    bad = [{**purchase(collaborators, "H-1", buyer), "amountCents": 0}]
    result = await record(gql, token, bad)
    assert result["__typename"] == "InvalidInput" and result["code"] == "INVALID_INPUT"
    assert result["fieldErrors"][0]["field"] == "purchases.0.amountCents"
    empty = await record(gql, token, [])
    assert empty["fieldErrors"] == [{"field": "purchases", "message": "一次提交 1–300 笔订单"}]
    too_many = [purchase(collaborators, f"T-{n}", buyer) for n in range(301)]
    assert (await record(gql, token, too_many))["__typename"] == "InvalidInput"
    assert not await Purchase.exists()
    member_by_id = {**purchase(collaborators, "H-2", buyer), "phone": None}
    member_by_id["memberId"] = encode_id("Member", buyer.id)
    assert (await record(gql, token, [member_by_id]))["recorded"] == 1


async def _referrals_of(gql: GraphQLClient, token: str, first: int = 10) -> dict[str, Any]:
    body = await gql(op("MyReferrals"), {"first": first}, token=token)
    viewer: dict[str, Any] = body["data"]["viewer"]
    return viewer


async def test_my_referrals_lists_invitees_newest_first_with_their_status(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin_token = await token_for(collaborators, await make_member(roles=ADMIN))
    inviter = await make_member()
    buyer = await make_member(display_name="买过的邻居")
    await refer(collaborators, inviter, buyer)
    await refer(collaborators, inviter, await make_member(display_name="新邻居"))
    await refer(collaborators, buyer, await make_member(display_name="别人的邀请"))
    await record(gql, admin_token, [purchase(collaborators, "R-1", buyer)])
    viewer = await _referrals_of(gql, await token_for(collaborators, inviter))
    assert viewer["referralCode"] == inviter.invite_code
    nodes = [edge["node"] for edge in viewer["referrals"]["edges"]]
    assert [(n["invitee"]["displayName"], n["status"]) for n in nodes] == [
        ("新邻居", "PENDING"),
        ("买过的邻居", "REWARDED"),
    ]
    assert nodes[0]["rewardedAt"] is None
    assert nodes[1]["rewardedAt"] == collaborators.clock.now().isoformat()
    assert not viewer["referrals"]["pageInfo"]["hasNextPage"]
    page = await _referrals_of(gql, await token_for(collaborators, inviter), first=1)
    assert page["referrals"]["pageInfo"]["hasNextPage"]
    stranger = await token_for(collaborators, await make_member())
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": nodes[0]["id"]}, stranger)
    assert node["data"]["node"] is None  # someone else's referral looks like none at all


async def test_my_referrals_runs_the_same_statements_for_one_invitee_or_many(
    gql: GraphQLClient, collaborators: Collaborators, caplog: pytest.LogCaptureFixture
) -> None:
    inviter = await make_member()
    token = await token_for(collaborators, inviter)
    await refer(collaborators, inviter, await make_member())
    one = await statements_of(caplog, lambda: _referrals_of(gql, token))
    for _ in range(8):
        await refer(collaborators, inviter, await make_member())
    nine = await statements_of(caplog, lambda: _referrals_of(gql, token))
    # The token joined to its member, then the referrals joined to their invitees.
    assert one == nine == 2


async def test_the_referrals_leaderboard_equals_its_rebuild_after_redis_is_wiped(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin_token = await token_for(collaborators, await make_member(roles=ADMIN))
    star, runner_up = await make_member(display_name="推荐之星"), await make_member()
    invitees = [await make_member() for _ in range(4)]
    for inviter, invitee in zip((star, star, star, runner_up), invitees, strict=True):
        await refer(collaborators, inviter, invitee)
    await record(gql, admin_token, [purchase(collaborators, f"L-{m.id}", m) for m in invitees])
    await record(gql, admin_token, [purchase(collaborators, "L-again", invitees[0])])
    query = op("Leaderboard")
    viewer_token = await token_for(collaborators, runner_up)
    live = await gql(query, {"kind": "REFERRALS", "first": 10}, token=viewer_token)
    board = live["data"]["leaderboard"]
    assert [(e["rank"], e["score"]) for e in board["entries"]] == [(1, 3), (2, 1)]
    assert board["entries"][0]["member"]["displayName"] == "推荐之星"
    assert board["viewerEntry"] == {"rank": 2, "score": 1}
    await collaborators.redis.flushdb()
    wiped = await gql(query, {"kind": "REFERRALS", "first": 10}, token=viewer_token)
    assert wiped == live  # the board heals on read, from the database
    await referral_board.rebuild(collaborators.redis)
    rebuilt = await gql(query, {"kind": "REFERRALS", "first": 10}, token=viewer_token)
    assert rebuilt == live
    assert await Referral.filter(status=ReferralStatus.REWARDED).count() == 4


async def test_registering_with_ones_own_phone_and_invite_code_is_a_typed_self_referral(
    gql: GraphQLClient,
) -> None:
    from domain.identity.models import Estate
    from tests.api.test_identity_api import register

    estate = await Estate.create(
        name="翠湖花园", city="上海", district="浦东新区", created_at=CLOCK_START
    )
    inviter = await make_member(phone="13812345678")
    body = await register(gql, estate.id, inviteCode=inviter.invite_code)
    assert body == {
        "__typename": "SelfReferral",
        "code": "SELF_REFERRAL",
        "message": "不能使用自己的邀请码",
    }
    assert await Member.all().count() == 1 and not await Referral.exists()
    other = await make_member()
    body = await register(gql, estate.id, phone="13812340000", inviteCode=other.invite_code)
    assert body["__typename"] == "AuthSuccess"
    assert await Referral.filter(referrer_id=other.id).count() == 1


async def test_a_nul_or_lone_surrogate_in_items_is_refused_at_the_edge_and_records_nothing(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    import json

    token = await token_for(collaborators, await make_member(roles=ADMIN))
    buyer = await make_member()
    query = """mutation($input: RecordPurchasesInput!) { recordPurchases(input: $input) {
      __typename ... on RecordPurchasesSuccess { recorded rejected }
      ... on UserError { code message } } }"""
    answers = []
    for bad in ("豆\x00浆", "豆\ud800浆"):
        rows = [purchase(collaborators, f"S-{n}", buyer) for n in range(3)]
        rows[1]["items"] = [bad]
        response = await gql.http.post(  # escaped as JSON allows: a lone surrogate is no UTF-8
            "/graphql",
            content=json.dumps({"query": query, "variables": {"input": {"purchases": rows}}}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        answers.append((response.status_code, response.json()["errors"][0]["extensions"]["code"]))
    # NUL: the edge's string check; a lone surrogate: the body is not text orjson accepts
    assert answers == [(200, "BAD_USER_INPUT"), (400, "BAD_REQUEST")]
    assert await Purchase.all().count() == 0
