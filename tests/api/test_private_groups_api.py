"""Private groups over GraphQL: the group's visibility, the request, the hosts' answers,
invitations and removals, each refusal a typed union member."""

from __future__ import annotations

from domain.collaborators import Collaborators
from domain.groups.models import GroupJoinRequest, GroupMembership, InterestGroup
from domain.identity.models import Role
from domain.identity.services import issue_api_tokens
from domain.notifications.models import Notification
from tests.api.test_identity_api import op
from tests.conftest import GraphQLClient
from tests.factories import make_member
from tests.portal.test_posts_pages import make_group
from web.ids import encode_id


async def test_requesting_deciding_inviting_and_removing_over_graphql(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    group = await make_group(c, host, "铁杆粉丝群")
    await InterestGroup.filter(id=group.id).update(private=True)
    fan = await make_member(display_name="小王")
    host_token = (await issue_api_tokens(c, host)).access_token
    fan_token = (await issue_api_tokens(c, fan)).access_token
    group_id = encode_id("InterestGroup", group.id)

    shown = await gql(op("GroupVisibility"), {"id": group_id})
    assert shown["data"]["node"]["visibility"] == "PRIVATE"
    joined = await gql(op("JoinGroup"), {"groupId": group_id}, fan_token)
    assert joined["data"]["joinGroup"]["__typename"] == "JoinByRequest"

    asked = await gql(
        op("RequestToJoinGroup"), {"input": {"groupId": group_id, "message": "老粉"}}, fan_token
    )
    request = asked["data"]["requestToJoinGroup"]["request"]
    assert request["status"] == "PENDING" and request["message"] == "老粉"
    pending = await gql(op("PendingJoinRequests"), {"id": group_id}, host_token)
    assert [r["member"]["displayName"] for r in pending["data"]["node"]["pendingJoinRequests"]] == [
        "小王"
    ]
    unseen = await gql(op("PendingJoinRequests"), {"id": group_id}, fan_token)
    assert unseen["data"]["node"]["pendingJoinRequests"] == []

    decide = {"input": {"requestId": request["id"], "approve": True}}
    refused = await gql(op("DecideJoinRequest"), decide, fan_token)
    assert refused["data"]["decideJoinRequest"]["__typename"] == "NotFound"
    approved = await gql(op("DecideJoinRequest"), decide, host_token)
    assert approved["data"]["decideJoinRequest"]["request"]["status"] == "APPROVED"
    decline = {"input": {"requestId": request["id"], "approve": False}}
    late = await gql(op("DecideJoinRequest"), decline, host_token)
    assert late["data"]["decideJoinRequest"]["__typename"] == "RequestNotPending"
    assert await GroupMembership.exists(group_id=group.id, member_id=fan.id)
    assert await Notification.filter(recipient_id=fan.id).count() == 1

    member = {"groupId": group_id, "memberId": encode_id("Member", fan.id)}
    removed = await gql(op("RemoveFromGroup"), {"input": member}, host_token)
    assert removed["data"]["removeFromGroup"]["__typename"] == "RemoveFromGroupSuccess"
    again = await gql(op("RequestToJoinGroup"), {"input": {"groupId": group_id}}, fan_token)
    assert again["data"]["requestToJoinGroup"]["__typename"] == "RecentlyRemoved"
    assert "30天" in again["data"]["requestToJoinGroup"]["message"]
    host_out = {"groupId": group_id, "memberId": encode_id("Member", host.id)}
    await gql(op("InviteToGroup"), {"input": host_out}, host_token)
    kept = await gql(op("RemoveFromGroup"), {"input": host_out}, host_token)
    assert kept["data"]["removeFromGroup"]["__typename"] == "CannotRemoveHost"
    invited = await gql(op("InviteToGroup"), {"input": member}, host_token)
    assert invited["data"]["inviteToGroup"]["member"]["displayName"] == "小王"
    assert await GroupMembership.exists(group_id=group.id, member_id=fan.id)
    assert await GroupJoinRequest.filter(member_id=fan.id).count() == 1
