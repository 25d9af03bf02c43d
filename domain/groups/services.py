"""Joining and leaving interest groups; the member count moves in the same transaction."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.errors import NotFoundError
from domain.groups.errors import (
    GroupArchivedError,
    GroupNotOpenToEstateError,
    HostCannotLeaveError,
    JoinByRequestError,
)
from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.identity.models import Member


async def join_group(c: Collaborators, member: Member, group_id: int) -> InterestGroup:
    """Joining twice is not an error: the member is in the group either way."""
    group = await InterestGroup.get_or_none(id=group_id)
    if group is None:
        raise NotFoundError()
    if group.archived_at is not None:
        raise GroupArchivedError()
    if group.estate_id is not None and group.estate_id != member.estate_id:
        raise GroupNotOpenToEstateError()
    if group.private:
        raise JoinByRequestError()  # domain/groups/private.py: the hosts decide
    await admit(c, member.id, group_id)
    return await InterestGroup.get(id=group_id)


async def admit(c: Collaborators, member_id: int, group_id: int) -> bool:
    """The member into the group, the count moving with it; False when a member already (or a
    concurrent admission won). Refused when the group was archived meanwhile."""
    try:
        async with atomic():
            await GroupMembership.create(
                group_id=group_id, member_id=member_id, joined_at=c.clock.now()
            )
            # Conditional: an archive committed since the read above refuses the join too.
            counted = await InterestGroup.filter(id=group_id, archived_at__isnull=True).update(
                member_count=F("member_count") + 1
            )
            if not counted:
                raise GroupArchivedError()
    except IntegrityError:
        return False  # already a member (or a concurrent join of the same member won)
    return True


async def leave_group(c: Collaborators, member: Member, group_id: int) -> InterestGroup:
    group = await InterestGroup.get_or_none(id=group_id)
    if group is None:
        raise NotFoundError()
    if await GroupHost.exists(group_id=group_id, member_id=member.id):
        raise HostCannotLeaveError()  # the lead host and co-hosts alike
    async with atomic():
        left = await GroupMembership.filter(group_id=group_id, member_id=member.id).delete()
        if left:
            await InterestGroup.filter(id=group_id).update(member_count=F("member_count") - left)
    return await InterestGroup.get(id=group_id)
