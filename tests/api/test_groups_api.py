"""Groups, JoinGroup and LeaveGroup as the mini-program sends them."""

from __future__ import annotations

from domain.collaborators import Collaborators
from domain.groups.models import GroupMembership
from domain.identity import services
from domain.identity.models import Role
from tests.api.test_identity_api import op
from tests.conftest import GraphQLClient
from tests.domain.test_groups import make_group
from tests.factories import make_estate, make_member
from web.ids import encode_id


async def token_for(c: Collaborators, member: object) -> str:
    return (await services.issue_api_tokens(c, member)).access_token  # type: ignore[arg-type]


async def test_groups_are_listed_with_hosts_and_the_viewers_membership(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST), display_name="阳台菜园陈姐")
    groups = [
        await make_group(collaborators, host, name) for name in ("阳台种菜", "亲子烘焙", "手冲咖啡")
    ]
    member = await make_member()
    token = await token_for(collaborators, member)
    joined = await gql(
        op("JoinGroup"), {"groupId": encode_id("InterestGroup", groups[1].id)}, token
    )
    assert joined["data"]["joinGroup"] == {
        "__typename": "JoinGroupSuccess",
        "group": {
            "id": encode_id("InterestGroup", groups[1].id),
            "memberCount": 1,
            "viewerIsMember": True,
        },
    }
    page = (await gql(op("Groups"), {"first": 2}, token))["data"]["interestGroups"]
    nodes = [edge["node"] for edge in page["edges"]]
    assert [n["name"] for n in nodes] == ["阳台种菜", "亲子烘焙"]
    assert [n["viewerIsMember"] for n in nodes] == [False, True]
    assert nodes[0]["host"]["displayName"] == "阳台菜园陈姐"
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(op("Groups"), {"first": 2, "after": page["pageInfo"]["endCursor"]}, token)
    assert [e["node"]["name"] for e in rest["data"]["interestGroups"]["edges"]] == ["手冲咖啡"]


async def test_leaving_and_the_typed_refusals(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    estate, other = await make_estate(), await make_estate("香樟苑")
    host = await make_member(roles=(Role.RESIDENT, Role.HOST), estate=estate)
    group = await make_group(collaborators, host, estate=estate)
    outsider = await token_for(collaborators, await make_member(estate=other))
    group_id = encode_id("InterestGroup", group.id)
    refused = await gql(op("JoinGroup"), {"groupId": group_id}, outsider)
    assert refused["data"]["joinGroup"]["code"] == "NOT_ELIGIBLE"
    host_token = await token_for(collaborators, host)
    stays = await gql(op("LeaveGroup"), {"groupId": group_id}, host_token)
    assert stays["data"]["leaveGroup"]["code"] == "HOST_CANNOT_LEAVE"
    bad = await gql(op("JoinGroup"), {"groupId": "garbage"}, host_token)
    assert bad["data"]["joinGroup"]["code"] == "INVALID_INPUT"
    missing = await gql(op("JoinGroup"), {"groupId": encode_id("InterestGroup", 999)}, host_token)
    assert missing["data"]["joinGroup"]["code"] == "NOT_FOUND"
    anonymous = await gql(op("JoinGroup"), {"groupId": group_id})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await GroupMembership.all().count() == 0


async def test_groups_ask_a_fixed_number_of_sql_statements_whatever_the_page_size(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    from tests.sqlcount import count_sql

    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    for n in range(8):
        await make_group(collaborators, host, f"小组{n}")
    token = await token_for(collaborators, await make_member())
    counts = []
    for first in (1, 8):
        with count_sql() as seen:
            await gql(op("Groups"), {"first": first}, token)
        counts.append(len(seen))
    assert counts[0] == counts[1]
