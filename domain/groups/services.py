"""Joining and leaving interest groups; the member count moves in the same transaction."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.errors import NotFoundError
from domain.groups.errors import GroupNotOpenToEstateError, HostCannotLeaveError
from domain.groups.models import GroupMembership, InterestGroup
from domain.identity.models import Member


async def join_group(c: Collaborators, member: Member, group_id: int) -> InterestGroup:
    """Joining twice is not an error: the member is in the group either way."""
    group = await InterestGroup.get_or_none(id=group_id)
    if group is None:
        raise NotFoundError()
    if group.estate_id is not None and group.estate_id != member.estate_id:
        raise GroupNotOpenToEstateError()
    try:
        async with atomic():
            await GroupMembership.create(group=group, member=member, joined_at=c.clock.now())
            await InterestGroup.filter(id=group_id).update(member_count=F("member_count") + 1)
    except IntegrityError:
        pass  # already a member (or a concurrent join of the same member won)
    return await InterestGroup.get(id=group_id)


async def leave_group(c: Collaborators, member: Member, group_id: int) -> InterestGroup:
    group = await InterestGroup.get_or_none(id=group_id)
    if group is None:
        raise NotFoundError()
    if group.host_id == member.id:
        raise HostCannotLeaveError()
    async with atomic():
        left = await GroupMembership.filter(group_id=group_id, member_id=member.id).delete()
        if left:
            await InterestGroup.filter(id=group_id).update(member_count=F("member_count") - left)
    return await InterestGroup.get(id=group_id)
