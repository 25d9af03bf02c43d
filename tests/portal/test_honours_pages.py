"""Portal: the public member profile (/members/{id}: name, estate name, badges, published posts;
never phone, purchases or tier), the member's own trust level and shown badge, the author link
and shown badge in the feed and on a post, and /admin/badges (holders, grant and revoke with a
reason, audited) for admins only."""

from __future__ import annotations

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.honours.models import BadgeAward
from domain.identity.models import Member, Role
from domain.posts.models import AuditLogEntry, PostStatus
from tests.api.test_posts_api import make_post
from tests.factories import CLOCK_START, make_estate, make_member
from tests.portal.test_points_pages import htmx, log_in


async def test_the_public_profile_shows_name_estate_badges_and_published_posts_only(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await make_member(display_name="番茄阿姨", estate=await make_estate())
    await Member.filter(id=member.id).update(tier="KOC")
    await BadgeAward.create(
        member=member, code="STREAK_7", awarded_at=CLOCK_START, reason="连续签到"
    )
    await make_post(collaborators, member, "阳台番茄大丰收")
    await make_post(collaborators, member, "审核中的帖子", status=PostStatus.PENDING)
    response = await client.get(f"/members/{member.id}")
    assert response.status_code == 200
    text = response.text
    assert "番茄阿姨" in text and "翠湖花园" in text and "坚持签到" in text and "连续签到" in text
    assert "阳台番茄大丰收" in text and "审核中的帖子" not in text
    assert str(member.phone) not in text and "KOC" not in text and "我的信任等级" not in text
    assert (await client.get("/members/999999")).status_code == 404


async def test_the_member_sees_their_trust_level_and_chooses_the_badge_shown_by_their_name(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await make_member(display_name="老王")
    await BadgeAward.create(
        member=member, code="STREAK_7", awarded_at=CLOCK_START, reason="连续签到"
    )
    post = await make_post(collaborators, member, "阳台番茄大丰收")
    csrf = await log_in(client, member)
    own = (await client.get(f"/members/{member.id}")).text
    assert "我的信任等级" in own and "新邻居" in own and "注册时长（小时）: 0 / 72" in own
    refused = await client.post(
        "/members/me/badge", data={"code": "FEATURED_10"}, headers=htmx(csrf)
    )
    assert refused.status_code == 422 and "该会员没有这枚徽章" in refused.text
    assert (await Member.get(id=member.id)).shown_badge is None
    chosen = await client.post("/members/me/badge", data={"code": "STREAK_7"}, headers=htmx(csrf))
    assert chosen.status_code == 200
    assert (await Member.get(id=member.id)).shown_badge == "STREAK_7"
    post_page = (await client.get(f"/posts/{post.id}")).text
    assert (
        f'href="/members/{member.id}">老王</a> <span class="badge shown-badge">坚持签到'
        in post_page
    )
    feed = (await client.get("/")).text
    assert f'href="/members/{member.id}">老王</a>' in feed


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_the_badge_admin_is_refused_to_everyone_but_admins(
    client: httpx.AsyncClient, role: Role | None
) -> None:
    member = await make_member()
    data = {"memberId": str(member.id), "code": "NEIGHBOUR_HERO", "reason": "义卖"}
    if role is None:
        assert (await client.get("/admin/badges")).status_code == 303
        return
    csrf = await log_in(client, await make_member(roles=(Role.RESIDENT, role)))
    assert (await client.get("/admin/badges")).status_code == 403
    for action in ("grant", "revoke"):
        response = await client.post(f"/admin/badges/{action}", data=data, headers=htmx(csrf))
        assert response.status_code == 403
    assert not await BadgeAward.exists()


async def test_an_admin_grants_and_revokes_with_a_reason_and_a_bad_form_is_re_rendered(
    client: httpx.AsyncClient,
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    member = await make_member(display_name="热心的老王")
    csrf = await log_in(client, admin)
    assert 'href="/admin/badges"' in (await client.get("/admin")).text
    page = (await client.get("/admin/badges")).text
    assert "推荐之星" in page and "热心邻居" in page
    empty = {"memberId": str(member.id), "code": "NEIGHBOUR_HERO", "reason": " "}
    bad = await client.post("/admin/badges/grant", data=empty, headers=htmx(csrf))
    assert bad.status_code == 422 and "请填写原因" in bad.text
    assert not await BadgeAward.exists() and not await AuditLogEntry.exists()
    data = {**empty, "reason": "组织社区义卖"}
    granted = await client.post("/admin/badges/grant", data=data, headers=htmx(csrf))
    assert (
        granted.status_code == 200
        and "热心的老王" in granted.text
        and "组织社区义卖" in granted.text
    )
    revoked = await client.post(
        "/admin/badges/revoke", data={**data, "reason": "误发"}, headers=htmx(csrf)
    )
    assert revoked.status_code == 200 and "热心的老王" not in revoked.text
    actions = await AuditLogEntry.all().order_by("id").values_list("action", "reason")
    assert actions == [("BADGE_GRANTED", "组织社区义卖"), ("BADGE_REVOKED", "误发")]
    audit = (await client.get("/moderation/audit?action=BADGE_GRANTED")).text
    assert "授予徽章" in audit and "组织社区义卖" in audit
