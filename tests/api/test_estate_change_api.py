"""Estate changes over GraphQL: updateProfile asks, the back office document lists and decides,
and until a decision the member keeps the old estate's scope (staff's members(estateId:))."""

from __future__ import annotations

from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Estate, EstateChangeRequest, Member, Role
from domain.posts.models import AuditLogEntry
from tests.api.test_identity_api import op
from tests.api.test_points_api import error_code, token_for
from tests.conftest import GraphQLClient
from tests.factories import make_estate, make_member
from tests.sqlcount import count_sql
from web.ids import encode_id


@pytest.fixture
async def world(collaborators: Collaborators) -> dict[str, Any]:
    a, b = await make_estate("阳光花园"), await make_estate("绿地小区")
    return {
        "a": a,
        "b": b,
        "host_a": await make_member(estate=a, roles=(Role.RESIDENT, Role.HOST)),
        "host_b": await make_member(estate=b, roles=(Role.RESIDENT, Role.HOST)),
        "admin": await make_member(roles=(Role.RESIDENT, Role.ADMIN)),
    }


async def ask(gql: GraphQLClient, token: str, estate: Estate) -> dict[str, Any]:
    body = await gql(
        op("UpdateProfile"), {"input": {"estateId": encode_id("Estate", estate.id)}}, token
    )
    result: dict[str, Any] = body["data"]["updateProfile"]
    return result


async def members_of(gql: GraphQLClient, token: str, estate: Estate) -> dict[str, Any]:
    return await gql(
        op("Members"), {"first": 10, "estateId": encode_id("Estate", estate.id)}, token
    )


async def test_a_host_who_asks_to_switch_cannot_read_the_other_estates_members_until_approved(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    a, b, host = world["a"], world["b"], world["host_a"]
    token = await token_for(collaborators, host)
    asked = await ask(gql, token, b)
    assert asked["__typename"] == "UpdateProfileSuccess"
    assert asked["viewer"]["estate"]["id"] == encode_id("Estate", a.id)
    assert error_code(await members_of(gql, token, b)) == "FORBIDDEN"
    assert (await Member.get(id=host.id)).estate_id == a.id

    request = await EstateChangeRequest.get(member_id=host.id)
    admin_token = await token_for(collaborators, world["admin"])
    decided = await gql(
        op("DecideEstateChange"),
        {"requestId": encode_id("EstateChangeRequest", request.id), "approve": True},
        admin_token,
    )
    result = decided["data"]["decideEstateChange"]
    assert result["__typename"] == "DecideEstateChangeSuccess"
    assert result["member"]["estate"]["id"] == encode_id("Estate", b.id)
    assert (await Member.get(id=host.id)).estate_id == b.id
    assert (await members_of(gql, token, b))["data"]["members"]["edges"]
    assert error_code(await members_of(gql, token, a)) == "FORBIDDEN"
    entry = await AuditLogEntry.get(target_type="MEMBER", target_id=host.id)
    assert (entry.actor_id, entry.action) == (world["admin"].id, "ESTATE_APPROVED")


async def test_the_update_profile_payload_and_the_viewer_show_the_waiting_request(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    member = await make_member(estate=world["a"])
    token = await token_for(collaborators, member)
    await ask(gql, token, world["b"])
    body = await gql(
        "mutation($id: ID!) { updateProfile(input: { estateId: $id }) {"
        " ... on UpdateProfileSuccess { estateChangeRequest { status toEstate { name } } } } }",
        {"id": encode_id("Estate", world["b"].id)},
        token,
    )
    waiting = body["data"]["updateProfile"]["estateChangeRequest"]
    assert waiting == {"status": "PENDING", "toEstate": {"name": "绿地小区"}}
    mine = (await gql(op("MyPendingEstateChange"), {}, token))["data"]["viewer"]
    assert mine["estate"]["name"] == "阳光花园"
    assert mine["pendingEstateChange"]["toEstate"]["name"] == "绿地小区"
    assert await EstateChangeRequest.filter(member=member).count() == 1


async def test_only_hosts_of_the_target_and_admins_list_and_decide_and_only_once(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    member = await make_member(estate=world["a"])
    await ask(gql, await token_for(collaborators, member), world["b"])
    request = await EstateChangeRequest.get(member_id=member.id)
    request_id = encode_id("EstateChangeRequest", request.id)
    tokens = {k: await token_for(collaborators, world[k]) for k in ("host_a", "host_b", "admin")}
    resident = await token_for(collaborators, member)

    def listed(body: dict[str, Any]) -> list[str]:
        return [e["node"]["id"] for e in body["data"]["estateChangeRequests"]["edges"]]

    assert listed(await gql(op("EstateChangeRequests"), {"first": 10}, tokens["host_b"])) == [
        request_id
    ]
    assert listed(await gql(op("EstateChangeRequests"), {"first": 10}, tokens["admin"])) == [
        request_id
    ]
    assert listed(await gql(op("EstateChangeRequests"), {"first": 10}, tokens["host_a"])) == []
    refused = await gql(op("EstateChangeRequests"), {"first": 10}, resident)
    assert error_code(refused) == "FORBIDDEN"

    async def decide(token: str, approve: bool) -> dict[str, Any]:
        variables = {"requestId": request_id, "approve": approve}
        data: dict[str, Any] = (await gql(op("DecideEstateChange"), variables, token))["data"]
        return data

    assert (await decide(tokens["host_a"], True))["decideEstateChange"]["code"] == "NOT_FOUND"
    assert (
        error_code(
            await gql(
                op("DecideEstateChange"), {"requestId": request_id, "approve": True}, resident
            )
        )
        == "FORBIDDEN"
    )
    declined = (await decide(tokens["host_b"], False))["decideEstateChange"]
    assert declined["request"]["status"] == "DECLINED"
    again = (await decide(tokens["admin"], True))["decideEstateChange"]
    assert again["code"] == "INVALID_TRANSITION"
    assert (await Member.get(id=member.id)).estate_id == world["a"].id
    node = await gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": request_id}, tokens["host_a"]
    )
    assert node["data"]["node"] is None


async def test_the_staff_list_reads_a_fixed_number_of_statements_whatever_the_page_size(
    gql: GraphQLClient, collaborators: Collaborators, world: dict[str, Any]
) -> None:
    estates = [await make_estate(f"小区{n}") for n in range(6)]
    for n in range(12):
        member = await make_member(estate=estates[n % 6])
        await EstateChangeRequest.create(
            member=member,
            from_estate=estates[n % 6],
            to_estate=estates[(n + 1) % 6],
            created_at=member.created_at,
        )
    token = await token_for(collaborators, world["admin"])
    counts = []
    for first in (2, 10):
        with count_sql() as statements:
            body = await gql(op("EstateChangeRequests"), {"first": first}, token)
        assert len(body["data"]["estateChangeRequests"]["edges"]) == first
        counts.append(len(statements))
    # the token joined to its member, the page joined to its members, the estates via the loader
    assert counts == [3, 3]
