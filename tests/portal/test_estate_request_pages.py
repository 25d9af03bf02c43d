"""Portal: the profile form asks for a new estate (and shows the waiting request), and hosts and
admins approve or decline on their own page, with the CSRF token as every portal form."""

from __future__ import annotations

import httpx

from domain.identity.models import EstateChangeRequest, EstateChangeStatus, Member, Role
from domain.posts.models import AuditLogEntry
from tests.factories import make_estate, make_member
from tests.portal.test_points_pages import htmx, log_in


async def test_choosing_another_estate_on_the_profile_asks_and_shows_the_waiting_request(
    client: httpx.AsyncClient,
) -> None:
    a, b = await make_estate("阳光花园"), await make_estate("绿地小区")
    member = await make_member(estate=a, display_name="老王")
    csrf = await log_in(client, member)
    saved = await client.post(
        "/profile", data={"displayName": "老王", "estateId": str(b.id)}, headers=htmx(csrf)
    )
    assert saved.status_code == 200 and "已保存" in saved.text
    assert "你已申请迁入绿地小区" in saved.text and "仍属于阳光花园" in saved.text
    assert (await Member.get(id=member.id)).estate_id == a.id
    assert await EstateChangeRequest.filter(member=member, to_estate=b).count() == 1
    assert "你已申请迁入绿地小区" in (await client.get("/profile")).text


async def test_a_host_of_the_target_approves_on_the_requests_page_and_others_cannot(
    client: httpx.AsyncClient,
) -> None:
    a, b = await make_estate("阳光花园"), await make_estate("绿地小区")
    member = await make_member(estate=a, display_name="老王")
    host_b = await make_member(estate=b, roles=(Role.RESIDENT, Role.HOST), display_name="B主理")
    request = await EstateChangeRequest.create(
        member=member, from_estate=a, to_estate=b, created_at=member.created_at
    )
    resident_csrf = await log_in(client, member)
    assert (await client.get("/staff/estate-requests")).status_code == 403
    forbidden = await client.post(
        f"/staff/estate-requests/{request.id}/approve", headers=htmx(resident_csrf)
    )
    assert forbidden.status_code == 403
    await client.post("/logout", data={"csrf_token": resident_csrf})

    csrf = await log_in(client, host_b)
    listing = await client.get("/staff/estate-requests")
    assert (
        listing.status_code == 200
        and "老王" in listing.text
        and "阳光花园 → 绿地小区" in listing.text
    )
    no_token = await client.post(
        f"/staff/estate-requests/{request.id}/approve", headers={"HX-Request": "true"}
    )
    assert no_token.status_code == 403
    assert (await EstateChangeRequest.get(id=request.id)).status == EstateChangeStatus.PENDING
    approved = await client.post(f"/staff/estate-requests/{request.id}/approve", headers=htmx(csrf))
    assert approved.status_code == 200 and "已批准：老王 现在属于绿地小区" in approved.text
    assert (await Member.get(id=member.id)).estate_id == b.id
    assert (await AuditLogEntry.get(target_id=member.id)).actor_id == host_b.id
    again = await client.post(f"/staff/estate-requests/{request.id}/decline", headers=htmx(csrf))
    assert again.status_code == 422 and "已经处理过了" in again.text
    assert (await EstateChangeRequest.get(id=request.id)).status == EstateChangeStatus.APPROVED


async def test_a_host_of_another_estate_neither_sees_nor_decides_the_request(
    client: httpx.AsyncClient,
) -> None:
    a, b = await make_estate("阳光花园"), await make_estate("绿地小区")
    member = await make_member(estate=a, display_name="老王")
    host_a = await make_member(estate=a, roles=(Role.RESIDENT, Role.HOST))
    request = await EstateChangeRequest.create(
        member=member, from_estate=a, to_estate=b, created_at=member.created_at
    )
    csrf = await log_in(client, host_a)
    listing = await client.get("/staff/estate-requests")
    assert "老王" not in listing.text and "没有待审核的小区变更申请" in listing.text
    declined = await client.post(f"/staff/estate-requests/{request.id}/decline", headers=htmx(csrf))
    assert declined.status_code == 422 and "没有找到" in declined.text
    assert (await EstateChangeRequest.get(id=request.id)).status == EstateChangeStatus.PENDING
