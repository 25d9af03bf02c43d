"""Interest groups on a real database: join, leave, estate-only groups, hosts, races."""

from __future__ import annotations

import asyncio

import pytest

from domain.collaborators import Collaborators
from domain.errors import NotFoundError
from domain.groups import policies, services
from domain.groups.errors import GroupNotOpenToEstateError, HostCannotLeaveError
from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.groups.queries import groups_run_by
from domain.identity.models import Estate, Member, Role
from domain.segments import host_console
from tests.factories import make_estate, make_member


async def make_group(
    c: Collaborators, host: Member, name: str = "阳台种菜", estate: Estate | None = None
) -> InterestGroup:
    group = await InterestGroup.create(
        name=name,
        slug=f"g-{name}",
        description="一起在阳台种点菜",
        host=host,
        estate=estate,
        created_at=c.clock.now(),
    )
    await GroupHost.create(group=group, member=host, appointed_at=group.created_at)
    return group


async def test_joining_twice_counts_once_and_leaving_counts_down(
    collaborators: Collaborators,
) -> None:
    host, member = await make_member(roles=(Role.RESIDENT, Role.HOST)), await make_member()
    group = await make_group(collaborators, host)
    await services.join_group(collaborators, member, group.id)
    joined = await services.join_group(collaborators, member, group.id)
    assert joined.member_count == 1
    assert await GroupMembership.filter(group=group).count() == 1
    left = await services.leave_group(collaborators, member, group.id)
    again = await services.leave_group(collaborators, member, group.id)
    assert left.member_count == again.member_count == 0


async def test_an_estate_group_admits_only_its_residents_and_hosts_stay(
    collaborators: Collaborators,
) -> None:
    home, elsewhere = await make_estate(), await make_estate("香樟苑")
    host = await make_member(roles=(Role.RESIDENT, Role.HOST), estate=home)
    group = await make_group(collaborators, host, estate=home)
    with pytest.raises(GroupNotOpenToEstateError):
        await services.join_group(collaborators, await make_member(estate=elsewhere), group.id)
    assert (
        await services.join_group(collaborators, await make_member(estate=home), group.id)
    ).member_count == 1
    with pytest.raises(HostCannotLeaveError):
        await services.leave_group(collaborators, host, group.id)
    with pytest.raises(NotFoundError):
        await services.join_group(collaborators, host, 9999)


async def test_a_host_moderates_only_their_own_groups(collaborators: Collaborators) -> None:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    other_host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    resident = await make_member()
    group = await make_group(collaborators, host)
    assert await policies.may_moderate_group(host, group)
    assert not await policies.may_moderate_group(other_host, group)
    assert await policies.may_moderate_group(moderator, group)
    assert not await policies.may_moderate_group(resident, group)


async def test_a_host_runs_only_the_groups_they_host_and_admins_every_group(
    collaborators: Collaborators,
) -> None:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    other_host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    group = await make_group(collaborators, host)
    theirs = await make_group(collaborators, other_host, "亲子烘焙")
    closed = await make_group(collaborators, host, "旧书交换")
    await InterestGroup.filter(id=closed.id).update(archived_at=collaborators.clock.now())
    assert await policies.runs_group(host, group.id)
    assert not await policies.runs_group(host, theirs.id)
    assert await policies.runs_group(admin, theirs.id)
    assert not await policies.runs_group(await make_member(), group.id)
    # The console's group: another's and a missing one look the same.
    assert (await host_console.console_group(host, group.id)) == group
    assert await host_console.console_group(host, theirs.id) is None
    assert await host_console.console_group(host, 9999) is None
    assert [g.id for g in await groups_run_by(host)] == [group.id, closed.id]
    assert [g.id for g in await groups_run_by(host, open_only=True)] == [group.id]
    assert [g.id for g in await groups_run_by(admin, limit=2)] == [group.id, theirs.id]
    assert await groups_run_by(await make_member()) == []
    # A revoked HOST role ends the hosting's powers, though the GroupHost row stays.
    demoted = await Member.get(id=host.id)
    demoted.roles = [Role.RESIDENT.value]
    assert not await policies.runs_group(demoted, group.id)
    assert await host_console.console_group(demoted, group.id) is None


@pytest.mark.postgres_only
async def test_fifty_members_joining_at_once_count_fifty_and_a_double_join_counts_once(
    collaborators: Collaborators,
) -> None:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    group = await make_group(collaborators, host)
    members = [await make_member() for _ in range(50)]
    await asyncio.gather(*(services.join_group(collaborators, m, group.id) for m in members))
    await asyncio.gather(
        *(services.join_group(collaborators, members[0], group.id) for _ in range(10))
    )
    assert (await InterestGroup.get(id=group.id)).member_count == 50
    assert await GroupMembership.filter(group=group).count() == 50


async def test_the_groups_a_member_joined_are_read_for_exactly_the_asked_groups(
    collaborators: Collaborators,
) -> None:
    """``group_ids_joined`` is one written statement: of the asked groups, those the member
    belongs to — a neighbour's memberships and groups not asked for left out, a left group
    no longer counted."""
    from domain.groups.queries import group_ids_joined
    from tests.sqlcount import count_sql

    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    member, neighbour = await make_member(), await make_member()
    garden, baking, coffee, tea = [
        await make_group(collaborators, host, name)
        for name in ("阳台种菜", "亲子烘焙", "手冲咖啡", "茶")
    ]
    for group in (garden, coffee, tea):
        await services.join_group(collaborators, member, group.id)
    await services.join_group(collaborators, neighbour, baking.id)
    await services.leave_group(collaborators, member, coffee.id)
    asked = [garden.id, baking.id, coffee.id]

    with count_sql() as statements:
        joined = await group_ids_joined(member.id, asked)
    assert len(statements) == 1, statements
    assert joined == {garden.id}
    reference = await GroupMembership.filter(member_id=member.id, group_id__in=asked)
    assert joined == {m.group_id for m in reference}
    assert await group_ids_joined(neighbour.id, asked) == {baking.id}
    assert await group_ids_joined(host.id, asked) == set()
    assert await group_ids_joined(member.id, [tea.id, garden.id]) == {tea.id, garden.id}
    with count_sql() as none:
        assert await group_ids_joined(member.id, []) == set()
    assert none == []
