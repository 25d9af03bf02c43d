"""Private groups on the portal: the request form on the group page, the hosts' page of
requests, invitations and removals, and refusals re-rendered with their Chinese message."""

from __future__ import annotations

import httpx

from domain.collaborators import Collaborators
from domain.groups import private
from domain.groups.models import GroupJoinRequest, GroupMembership, InterestGroup, JoinRequestStatus
from domain.identity.models import Role
from tests.factories import make_member
from tests.portal.test_points_pages import htmx, log_in
from tests.portal.test_posts_pages import make_group


async def _group(c: Collaborators) -> tuple[object, InterestGroup]:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST), display_name="团长")
    group = await make_group(c, host, "铁杆粉丝群")
    await InterestGroup.filter(id=group.id).update(private=True)
    return host, await InterestGroup.get(id=group.id)


async def test_a_member_asks_to_join_and_the_host_approves_on_their_page(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host, group = await _group(collaborators)
    fan = await make_member(display_name="老粉小王")
    csrf = await log_in(client, fan)
    shown = await client.get(f"/groups/{group.slug}")
    assert "申请加入" in shown.text and "私密小组的帖子仅对成员可见" in shown.text
    asked = await client.post(
        f"/groups/{group.id}/request", data={"message": "我是老粉"}, headers=htmx(csrf)
    )
    assert asked.status_code == 200 and "等待主理人审核" in asked.text
    request = await GroupJoinRequest.get(member_id=fan.id)
    assert request.message == "我是老粉"
    # Not a host: the hosts' page is not there.
    assert (await client.get(f"/groups/{group.id}/private")).status_code == 404

    csrf = await log_in(client, host)  # type: ignore[arg-type]
    admin = await client.get(f"/groups/{group.id}/private")
    assert "老粉小王" in admin.text and "我是老粉" in admin.text
    approved = await client.post(
        f"/groups/{group.id}/private/requests/{request.id}/approve", headers=htmx(csrf)
    )
    assert approved.status_code == 200 and "暂无待处理的入群申请" in approved.text
    assert await GroupMembership.exists(group_id=group.id, member_id=fan.id)
    again = await client.post(
        f"/groups/{group.id}/private/requests/{request.id}/decline", headers=htmx(csrf)
    )
    assert again.status_code == 422 and "这条申请已处理或已过期" in again.text
    assert (await GroupJoinRequest.get(id=request.id)).status == JoinRequestStatus.APPROVED


async def test_the_host_invites_by_phone_and_removes_and_the_removed_are_told_to_wait(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host, group = await _group(collaborators)
    fan = await make_member(display_name="小李")
    csrf = await log_in(client, host)  # type: ignore[arg-type]
    unknown = await client.post(
        f"/groups/{group.id}/private/invite", data={"member": "19900000000"}, headers=htmx(csrf)
    )
    assert unknown.status_code == 422 and "没有找到这位成员" in unknown.text
    invited = await client.post(
        f"/groups/{group.id}/private/invite", data={"member": fan.phone}, headers=htmx(csrf)
    )
    assert invited.status_code == 200 and "小李" in invited.text
    assert await GroupMembership.exists(group_id=group.id, member_id=fan.id)
    removed = await client.post(
        f"/groups/{group.id}/private/members/{fan.id}/remove", headers=htmx(csrf)
    )
    assert removed.status_code == 200
    assert not await GroupMembership.exists(group_id=group.id, member_id=fan.id)

    csrf = await log_in(client, fan)
    refused = await client.post(f"/groups/{group.id}/request", data={}, headers=htmx(csrf))
    assert refused.status_code == 422 and "未满30天" in refused.text
    assert not await GroupJoinRequest.exists(member_id=fan.id)
    assert await private.pending_requests(group.id) == []
