"""A merge racing members who choose the merged tags, on PostgreSQL with separate connections:
no link is left on the merged tag, none is doubled, and a member refused by the retirement has
nothing new."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import DomainError, InvalidInputError
from domain.identity import services, tags
from domain.identity.models import InterestTag, MemberInterestTag, Role
from domain.segments.host_tags import add_member_tag
from tests.factories import CLOCK_START, make_member, make_tag

pytestmark = pytest.mark.postgres_only


def _unexpected(results: Sequence[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]


async def test_a_merge_racing_members_who_choose_either_tag_leaves_one_link_each_on_the_survivor(
    collaborators: Collaborators,
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    source, target = await make_tag("咖啡"), await make_tag("手冲咖啡")
    members = [await make_member() for _ in range(40)]
    for n, member in enumerate(members[:12]):  # half already carry one tag or both
        await MemberInterestTag.create(
            member=member, tag=source if n % 2 else target, created_at=CLOCK_START
        )
        if n % 3 == 0:
            await MemberInterestTag.create(
                member=member, tag=target if n % 2 else source, created_at=CLOCK_START
            )
    choices = [[source.id] if n % 2 else [source.id, target.id] for n in range(len(members))]

    async def choose(n: int) -> object:
        await asyncio.sleep(0.0005 * n)
        changes = services.ProfileChanges(interest_tag_ids=choices[n])
        return await services.update_profile(collaborators, members[n], changes)

    async def merge() -> object:
        await asyncio.sleep(0.004)  # amid the saves, not before them all
        return await tags.merge_tags(collaborators, admin, source.id, target.id)

    results = await asyncio.gather(
        *(choose(n) for n in range(len(members))), merge(), return_exceptions=True
    )

    assert not _unexpected(results), _unexpected(results)[:3]
    refused = {
        members[n].id for n, r in enumerate(results[:-1]) if isinstance(r, InvalidInputError)
    }
    assert all(
        not isinstance(r, BaseException) or isinstance(r, InvalidInputError) for r in results
    )
    assert not await MemberInterestTag.filter(tag_id=source.id).exists()
    assert (await InterestTag.get(id=source.id)).merged_into_id == target.id
    on_target = await column(MemberInterestTag.filter(tag_id=target.id), "member_id")
    assert len(on_target) == len(set(on_target))  # never doubled
    for n, member in enumerate(members):
        had_any = n < 12
        has_target = member.id in on_target
        # Whoever chose and was not refused, or already had either tag, now carries the survivor.
        assert has_target == (member.id not in refused or had_any), (n, member.id in refused)


async def test_hosts_tagging_members_while_the_tag_is_merged_strand_no_link(
    collaborators: Collaborators,
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    source, target = await make_tag("咖啡"), await make_tag("手冲咖啡")
    members = [await make_member() for _ in range(20)]
    for member in members[::4]:
        await MemberInterestTag.create(member=member, tag=target, created_at=CLOCK_START)

    async def tag(n: int, tag_id: int) -> object:
        await asyncio.sleep(0.001 * (n % 5))
        return await add_member_tag(collaborators, admin, members[n].id, tag_id)

    results = await asyncio.gather(
        *(tag(n, source.id if n % 2 else target.id) for n in range(len(members))),
        tags.merge_tags(collaborators, admin, source.id, target.id),
        return_exceptions=True,
    )

    assert not _unexpected(results), _unexpected(results)[:3]
    assert not await MemberInterestTag.filter(tag_id=source.id).exists()
    on_target = await column(MemberInterestTag.filter(tag_id=target.id), "member_id")
    assert len(on_target) == len(set(on_target))
    added = {members[n].id for n, r in enumerate(results[:-1]) if not isinstance(r, Exception)}
    assert added <= set(on_target)
