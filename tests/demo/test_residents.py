"""The demo neighbourhood: what the README promises is there, and its logins work."""

from __future__ import annotations

from datetime import timedelta

from demo import residents
from domain.collaborators import Collaborators
from domain.identity import services
from domain.identity.models import Estate, InterestTag, Member, MemberInterestTag, Role
from domain.identity.rules import phone_error

README_PHONES = (
    residents.DEMO_ADMIN_PHONE,
    residents.DEMO_MODERATOR_PHONE,
    residents.DEMO_RESIDENT_PHONE,
)


async def test_the_demo_has_three_estates_three_hundred_members_and_eight_hosts(
    collaborators: Collaborators,
) -> None:
    assert await residents.database_is_empty()
    summary = await residents.seed_demo(collaborators.clock)
    assert (summary.estates, summary.members, summary.hosts) == (3, 300, 8)
    assert await Estate.all().count() == 3 and await Member.all().count() == 300
    assert await InterestTag.all().count() == summary.tags >= 8
    members = await Member.all()
    assert all(phone_error(m.phone or "") is None for m in members)
    assert len({m.invite_code for m in members}) == 300
    assert sum(m.has_role(Role.HOST) for m in members) == 8
    assert await MemberInterestTag.all().count() > 300
    assert not await residents.database_is_empty()
    # About a fifth opened the app in the last month, as in a real estate; the README's
    # accounts and the hosts among them.
    now = collaborators.clock.now()
    lately = [m for m in members if m.last_seen_at and now - m.last_seen_at < timedelta(days=30)]
    assert 0.15 * len(members) <= len(lately) <= 0.3 * len(members)
    assert all(m in lately for m in members if m.phone in README_PHONES or m.has_role(Role.HOST))
    assert all(m.created_at <= (m.last_seen_at or now) <= now for m in members)


async def test_the_readme_logins_work_with_their_roles(collaborators: Collaborators) -> None:
    await residents.seed_demo(collaborators.clock)
    for phone, password, role in (
        (residents.DEMO_ADMIN_PHONE, residents.DEMO_ADMIN_PASSWORD, Role.ADMIN),
        (residents.DEMO_MODERATOR_PHONE, residents.DEMO_MODERATOR_PASSWORD, Role.MODERATOR),
        (residents.DEMO_RESIDENT_PHONE, residents.DEMO_RESIDENT_PASSWORD, Role.RESIDENT),
    ):
        member = await services.log_in(collaborators, phone, password, "127.0.0.1")
        assert member.has_role(role)
    summary_lines = residents.DemoSummary(3, 20, 300, 8).lines()
    assert "13800000001 / linli-admin-2026" in "\n".join(summary_lines)


async def test_the_eight_demo_groups_have_their_hosts_and_true_member_counts(
    collaborators: Collaborators,
) -> None:
    from demo.groups import seed_groups_demo
    from domain.groups.models import (
        GroupJoinRequest,
        GroupMembership,
        InterestGroup,
        JoinRequestStatus,
    )

    await residents.seed_demo(collaborators.clock)
    made = await seed_groups_demo()
    groups = await InterestGroup.all().select_related("host")
    assert made["groups"] == len(groups) == 8
    assert {(g.name, g.host.display_name) for g in groups} == set(residents.DEMO_GROUP_HOSTS)
    for group in groups:
        assert group.member_count == await GroupMembership.filter(group=group).count() > 1
    # One private group (铁杆粉丝群) with its members and a neighbour's request waiting.
    (inner,) = [g for g in groups if g.private]
    assert inner.slug == "pour-over" and made["join_requests"] == 1
    waiting = await GroupJoinRequest.get(group_id=inner.id)
    assert waiting.status == JoinRequestStatus.PENDING
    assert not await GroupMembership.exists(group_id=inner.id, member_id=waiting.member_id)
