"""The staff member pages: /admin/members (search, staff by role, pending ADMIN grants) and one
member's record with its actions (roles, second-admin grants, suspension, estate), for admins only;
refusals re-render the record at 422 with the message; a fixed number of statements per page."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity.models import AuthToken, Member, Role, RoleGrantRequest, RoleGrantStatus
from domain.identity.services import issue_api_tokens
from domain.points import services as points
from domain.posts.models import AuditLogEntry, Comment, Post, PostKind, PostStatus
from tests.domain.events_helpers import make_group, make_host
from tests.factories import make_estate, make_member
from tests.portal.test_points_pages import htmx, log_in, sent_to_log_in, visitor_csrf
from tests.sqlcount import count_sql

ADMIN = (Role.RESIDENT, Role.ADMIN)
REFUSED = [(Role.RESIDENT,), (Role.RESIDENT, Role.HOST), (Role.RESIDENT, Role.MODERATOR)]


def post_paths(member_id: int, request_id: int) -> list[str]:
    base = f"/admin/members/{member_id}"
    return [
        f"{base}/roles/grant",
        f"{base}/roles/revoke",
        f"{base}/suspend",
        f"{base}/lift",
        f"{base}/estate",
        f"/admin/role-grants/{request_id}/approve",
        f"/admin/role-grants/{request_id}/decline",
    ]


async def snapshot() -> list[object]:
    members = [
        (m.id, sorted(m.roles), m.suspended, m.suspension_reason, m.estate_id)
        for m in await Member.all().order_by("id")
    ]
    grants = await RoleGrantRequest.all().order_by("id").values_list("id", "status")
    return [members, grants, await AuditLogEntry.all().count()]


@pytest.mark.parametrize("roles", REFUSED)
async def test_the_member_pages_and_actions_are_refused_to_everyone_but_admins(
    client: httpx.AsyncClient, clock: FrozenClock, roles: tuple[Role, ...]
) -> None:
    admin = await make_member(roles=ADMIN)
    member = await make_member(roles=(Role.RESIDENT, Role.HOST))
    request = await RoleGrantRequest.create(
        member=member, role="ADMIN", requested_by=admin, created_at=clock.now()
    )
    csrf = await log_in(client, await make_member(roles=roles))
    before = await snapshot()
    for path in ("/admin/members", f"/admin/members/{member.id}"):
        assert (await client.get(path)).status_code == 403
    for path in post_paths(member.id, request.id):
        data = {"csrf_token": csrf, "role": "MODERATOR", "reason": "刷广告", "until": "2027-01-01"}
        response = await client.post(path, data=data)
        assert response.status_code == 403, path
    assert await snapshot() == before


async def test_signed_out_visitors_are_sent_to_log_in(client: httpx.AsyncClient) -> None:
    member = await make_member()
    for path in ("/admin/members", f"/admin/members/{member.id}"):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"].endswith("/login")


SIGNED_OUT_POSTS = ["grant", "revoke", "suspend", "lift", "estate", "approve", "decline"]


@pytest.mark.parametrize("action", SIGNED_OUT_POSTS)
async def test_a_signed_out_post_with_a_valid_csrf_token_is_sent_to_log_in_changing_nothing(
    client: httpx.AsyncClient, clock: FrozenClock, action: str
) -> None:
    admin = await make_member(roles=ADMIN)
    member = await make_member(roles=(Role.RESIDENT, Role.HOST))
    suspended = await make_member()
    await Member.filter(id=suspended.id).update(suspended=True, suspension_reason="刷广告")
    request = await RoleGrantRequest.create(
        member=member, role="ADMIN", requested_by=admin, created_at=clock.now()
    )
    estate = await make_estate("绿地小区")
    grant, revoke, suspend, _, set_estate, approve, decline = post_paths(member.id, request.id)
    lift = f"/admin/members/{suspended.id}/lift"
    path, data = {
        "grant": (grant, {"role": "MODERATOR"}),
        "revoke": (revoke, {"role": "HOST"}),
        "suspend": (suspend, {"reason": "刷广告", "until": "2027-01-01"}),
        "lift": (lift, {}),
        "estate": (set_estate, {"estateId": str(estate.id)}),
        "approve": (approve, {}),
        "decline": (decline, {}),
    }[action]
    csrf = await visitor_csrf(client)
    before = await snapshot()
    response = await client.post(path, data=data, headers={"X-CSRF-Token": csrf})
    assert sent_to_log_in(response), (path, response.status_code, response.text[:200])
    assert await snapshot() == before


async def test_admins_find_members_by_name_or_last_four_digits_and_see_staff_by_role(
    client: httpx.AsyncClient,
) -> None:
    admin = await make_member(roles=ADMIN, display_name="管理员老周")
    await make_member(display_name="王阿姨", phone="13811112222")
    await make_member(roles=(Role.RESIDENT, Role.HOST), display_name="主持小李")
    await log_in(client, admin)
    page = (await client.get("/admin/members")).text
    assert "主持小李" in page and "管理员老周" in page and "王阿姨" not in page
    by_digits = await client.get("/admin/members?q=2222")
    assert "王阿姨" in by_digits.text and "138****2222" in by_digits.text
    assert "13811112222" not in by_digits.text
    fragment = await client.get("/admin/members?q=王", headers={"HX-Request": "true"})
    assert 'id="member-results"' in fragment.text and "<html" not in fragment.text
    assert "王阿姨" in fragment.text


async def test_the_back_office_home_links_to_the_member_pages(client: httpx.AsyncClient) -> None:
    await log_in(client, await make_member(roles=ADMIN))
    assert 'href="/admin/members"' in (await client.get("/admin")).text


async def test_an_admin_grants_moderator_and_revokes_it_from_the_record(
    client: httpx.AsyncClient,
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    csrf = await log_in(client, admin)
    base = f"/admin/members/{member.id}"
    granted = await client.post(
        f"{base}/roles/grant", data={"role": "MODERATOR"}, headers=htmx(csrf)
    )
    assert granted.status_code == 200 and 'id="member-record"' in granted.text
    assert "<html" not in granted.text
    assert (await Member.get(id=member.id)).roles == ["RESIDENT", "MODERATOR"]
    revoked = await client.post(
        f"{base}/roles/revoke", data={"csrf_token": csrf, "role": "MODERATOR"}
    )
    assert revoked.status_code == 200 and "<html" in revoked.text
    assert (await Member.get(id=member.id)).roles == ["RESIDENT"]


async def test_revoking_host_from_a_member_who_hosts_a_group_shows_why_and_keeps_it(
    client: httpx.AsyncClient,
) -> None:
    admin, host = await make_member(roles=ADMIN), await make_host()
    await make_group(host, "手冲咖啡", "pour-over")
    csrf = await log_in(client, admin)
    refused = await client.post(
        f"/admin/members/{host.id}/roles/revoke", data={"role": "HOST"}, headers=htmx(csrf)
    )
    assert refused.status_code == 422
    assert "「手冲咖啡」" in refused.text and 'id="member-record"' in refused.text
    assert (await Member.get(id=host.id)).has_role(Role.HOST)


async def test_granting_admin_from_the_page_waits_for_a_second_admin_on_the_list(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    first, second = await make_member(roles=ADMIN), await make_member(roles=ADMIN)
    member = await make_member(display_name="候选人")
    csrf = await log_in(client, first)
    waiting = await client.post(
        f"/admin/members/{member.id}/roles/grant", data={"role": "ADMIN"}, headers=htmx(csrf)
    )
    assert waiting.status_code == 202
    request = await RoleGrantRequest.get(member_id=member.id)
    assert f"#{request.id}" in waiting.text
    assert (await Member.get(id=member.id)).roles == ["RESIDENT"]

    own = await client.post(f"/admin/role-grants/{request.id}/approve", headers=htmx(csrf))
    assert own.status_code == 422 and "另一位管理员" in own.text
    assert (await RoleGrantRequest.get(id=request.id)).status == RoleGrantStatus.PENDING

    await client.post("/logout", data={"csrf_token": csrf})
    csrf = await log_in(client, second)
    listing = (await client.get("/admin/members")).text
    assert "候选人" in listing and f"/admin/role-grants/{request.id}/approve" in listing
    approved = await client.post(
        f"/admin/role-grants/{request.id}/approve", data={"csrf_token": csrf}
    )
    assert approved.status_code == 200
    assert (await Member.get(id=member.id)).roles == ["RESIDENT", "ADMIN"]


async def test_a_suspension_with_an_end_not_after_now_is_re_rendered_with_the_message(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    csrf = await log_in(client, admin)
    today = clock.now().date().isoformat()
    before = await snapshot()
    response = await client.post(
        f"/admin/members/{member.id}/suspend",
        data={"reason": "刷广告", "until": today},
        headers=htmx(csrf),
    )
    assert response.status_code == 422
    assert "end before start" in response.text and 'value="刷广告"' in response.text
    assert await snapshot() == before


async def test_an_admin_suspends_a_member_whose_sessions_end_and_lifts_it(
    client: httpx.AsyncClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    await issue_api_tokens(collaborators, member)
    csrf = await log_in(client, admin)
    until = (clock.now() + timedelta(days=5)).date().isoformat()
    response = await client.post(
        f"/admin/members/{member.id}/suspend",
        data={"reason": "连续刷广告", "until": until},
        headers=htmx(csrf),
    )
    assert response.status_code == 200 and "连续刷广告" in response.text
    stored = await Member.get(id=member.id)
    assert stored.suspended and stored.suspension_reason == "连续刷广告"
    assert stored.suspended_until is not None and stored.suspended_until > clock.now()
    assert await AuthToken.filter(member_id=member.id, revoked_at__isnull=True).count() == 0
    lifted = await client.post(f"/admin/members/{member.id}/lift", headers=htmx(csrf))
    assert lifted.status_code == 200
    assert not (await Member.get(id=member.id)).suspended


async def test_suspending_an_admin_is_refused_with_the_message(client: httpx.AsyncClient) -> None:
    admin, other = await make_member(roles=ADMIN), await make_member(roles=ADMIN)
    csrf = await log_in(client, admin)
    response = await client.post(
        f"/admin/members/{other.id}/suspend",
        data={"reason": "刷广告", "until": "2030-01-01"},
        headers=htmx(csrf),
    )
    assert response.status_code == 422 and "请先撤销其管理员身份" in response.text
    assert not (await Member.get(id=other.id)).suspended


async def test_an_admin_sets_the_members_estate_from_the_record(client: httpx.AsyncClient) -> None:
    a, b = await make_estate("阳光花园"), await make_estate("绿地小区")
    admin, member = await make_member(roles=ADMIN), await make_member(estate=a)
    csrf = await log_in(client, admin)
    response = await client.post(
        f"/admin/members/{member.id}/estate", data={"estateId": str(b.id)}, headers=htmx(csrf)
    )
    assert response.status_code == 200
    assert (await Member.get(id=member.id)).estate_id == b.id
    assert await AuditLogEntry.filter(action="ESTATE_SET", target_id=member.id).exists()
    bad = await client.post(
        f"/admin/members/{member.id}/estate", data={"estateId": "abc"}, headers=htmx(csrf)
    )
    assert bad.status_code == 422 and "小区不存在" in bad.text


async def test_an_unknown_member_is_a_404(client: httpx.AsyncClient) -> None:
    csrf = await log_in(client, await make_member(roles=ADMIN))
    assert (await client.get("/admin/members/4242")).status_code == 404
    gone = await client.post("/admin/members/4242/lift", data={"csrf_token": csrf})
    assert gone.status_code == 404


async def _history(member: Member, admin: Member, collaborators: Collaborators, n: int) -> None:
    now = collaborators.clock.now()
    for i in range(n):
        post = await Post.create(
            author=member,
            kind=PostKind.STORY,
            title=f"帖子{i}",
            body="正文",
            body_html="<p>正文</p>",
            excerpt="正文",
            status=PostStatus.PUBLISHED,
            created_at=now,
        )
        await Comment.create(post=post, author=member, body="好", body_html="好", created_at=now)
        await AuditLogEntry.create(
            actor=admin,
            action="POST_APPROVED",
            target_type="POST",
            target_id=post.id,
            created_at=now,
        )
        await points.award_points(collaborators, member.id, "check_in", f"day-{i}", 2)


async def test_the_record_shows_activity_points_and_moderation_in_a_fixed_number_of_statements(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=ADMIN)
    await log_in(client, admin)
    counts = []
    for n in (0, 4):
        member = await make_member()
        await _history(member, admin, collaborators, n)
        with count_sql() as statements:
            page = await client.get(f"/admin/members/{member.id}")
        assert page.status_code == 200
        counts.append(len(statements))
        if n:
            assert "帖子3" in page.text and "POST_APPROVED" in page.text
            assert len(re.findall(r'id="entry-\d+"', page.text)) == n
    # the session with its member, the record's 16, the staff read recorded, the estates for the
    # estate form
    assert counts == [19, 19]
