"""The host console's reads for one group: members with tiers and tags in pages, the month's
repurchase rate and posts, the moderation queue's size, upcoming events with attendance, the
win-back list, and a fixed number of statements per group whatever its size."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.collaborators import Collaborators
from domain.events.models import EventRegistration, RegistrationStatus
from domain.events.services import register_for_event
from domain.groups.models import InterestGroup
from domain.identity.models import Member, Role
from domain.posts.models import PostStatus
from domain.posts.queries import moderation_queue_page
from domain.segments import host_console
from domain.segments.host_tags import add_member_tag
from domain.segments.rfm import Tier
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.domain.host_console_helpers import buys, join, moved, post_in
from tests.factories import make_member, make_tag
from tests.sqlcount import count_sql

# The section's figures and lists, the newest posts with their authors being one joined statement.
STATEMENTS_PER_GROUP = 9


@pytest.fixture
async def group(collaborators: Collaborators) -> InterestGroup:
    return await make_group(await make_host())


async def test_the_section_shows_the_months_figures_the_queue_and_the_events(
    collaborators: Collaborators, group: InterestGroup
) -> None:
    again, once, elsewhere = await make_member(), await make_member(), await make_member()
    await join(collaborators, group, again, once)
    # The clock is 2026-11-21: "again" bought in November and in October, "once" only now.
    await buys(collaborators, again, 1, 5_000, days_ago=2)
    await buys(collaborators, again, 1, 5_000, days_ago=40)
    await buys(collaborators, once, 1, 5_000, days_ago=3)
    await buys(collaborators, elsewhere, 2, 5_000, days_ago=2)
    for status in (PostStatus.PUBLISHED, PostStatus.PUBLISHED, PostStatus.PENDING):
        await post_in(collaborators, group, again, status)
    hidden = await post_in(collaborators, group, once, PostStatus.HIDDEN)
    await type(hidden).filter(id=hidden.id).update(report_count=3)
    full = await make_event(collaborators, group, capacity=1, title="咖啡品鉴会")
    await make_event(collaborators, group, starts_in=timedelta(days=-5), title="往期活动")
    await make_event(collaborators, None, title="全平台活动")
    await register_for_event(collaborators, again, full.id)
    await register_for_event(collaborators, once, full.id)
    section = await host_console.group_section(collaborators, group)
    assert section.repurchase == (1, 2) and section.repurchase_rate == 0.5
    assert section.posts_this_month == 3  # published and hidden both count as published
    host = await Member.get(id=group.host_id)
    queue = await moderation_queue_page(host, group.id, None, 100)
    assert section.moderation_waiting == len(queue) == 2
    assert [(e.event.title, e.event.seats_taken, e.waitlisted) for e in section.events] == [
        ("咖啡品鉴会", 1, 1)
    ]
    waiting = await EventRegistration.filter(status=RegistrationStatus.WAITLISTED).count()
    assert waiting == 1


async def test_the_win_back_list_holds_members_whose_latest_change_made_them_dormant_lately(
    collaborators: Collaborators, group: InterestGroup
) -> None:
    lapsed, long_ago, came_back, outsider = [await make_member() for _ in range(4)]
    await join(collaborators, group, lapsed, long_ago, came_back)
    await moved(collaborators, lapsed, Tier.DORMANT, days_ago=10, from_tier=Tier.POTENTIAL)
    await moved(collaborators, long_ago, Tier.DORMANT, days_ago=45, from_tier=Tier.POTENTIAL)
    await moved(collaborators, came_back, Tier.DORMANT, days_ago=20, from_tier=Tier.POTENTIAL)
    await moved(collaborators, came_back, Tier.POTENTIAL, days_ago=2, from_tier=Tier.DORMANT)
    await moved(collaborators, outsider, Tier.DORMANT, days_ago=5, from_tier=Tier.KOC)
    found = await host_console.win_back(collaborators, group.id)
    assert [change.member.id for change in found] == [lapsed.id]


async def test_members_come_in_pages_of_fifty_with_their_tiers_and_tags(
    collaborators: Collaborators, group: InterestGroup
) -> None:
    members = [await make_member(display_name=f"邻居{n}") for n in range(53)]
    await join(collaborators, group, *members)
    tag = await make_tag("手冲爱好者")
    host = await Member.get(id=group.host_id)
    await add_member_tag(collaborators, host, members[0].id, tag.id)
    await Member.filter(id=members[0].id).update(tier=Tier.KOC)
    section = await host_console.group_section(collaborators, group)
    assert len(section.members) == 50 and section.next_after is not None
    first = section.members[0]
    assert first.member.tier == Tier.KOC and [t.name for t in first.tags] == ["手冲爱好者"]
    assert first.tags[0].by_staff
    rest = await host_console.member_rows(group.id, section.next_after)
    assert [row.member.id for row in rest] == [m.id for m in members[50:]]


async def _section_statements(c: Collaborators, group: InterestGroup) -> int:
    with count_sql() as statements:
        await host_console.group_section(c, group)
    return len(statements)


async def test_a_group_section_costs_the_same_statements_whatever_the_group_holds(
    collaborators: Collaborators, group: InterestGroup
) -> None:
    empty = await _section_statements(collaborators, group)
    members = [await make_member() for _ in range(60)]
    await join(collaborators, group, *members)
    tags = [await make_tag(name) for name in ("手冲爱好者", "亲子家庭")]
    host = await Member.get(id=group.host_id)
    for member in members[:30]:
        for tag in tags:
            await add_member_tag(collaborators, host, member.id, tag.id)
        await moved(collaborators, member, Tier.DORMANT, days_ago=3)
        await buys(collaborators, member, 2, 3_000, days_ago=1)
    for n in range(3):
        event = await make_event(collaborators, group, capacity=2, title=f"活动{n}")
        for member in members[:4]:
            await register_for_event(collaborators, member, event.id)
    await post_in(collaborators, group, members[0], PostStatus.PENDING)
    full = await _section_statements(collaborators, group)
    assert empty == full == STATEMENTS_PER_GROUP


async def test_hosts_see_their_own_groups_admins_all_residents_none(
    group: InterestGroup,
) -> None:
    other = await make_group(await make_host("小林"), "亲子烘焙", "baking")
    host = await Member.get(id=group.host_id)
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    assert [g.id for g in await host_console.console_groups(host)] == [group.id]
    assert [g.id for g in await host_console.console_groups(admin)] == [group.id, other.id]
    assert await host_console.console_groups(await make_member()) == []
