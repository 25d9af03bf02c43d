"""Hosts add interest tags to the members of the groups they host (admins to anyone), and take
off the tags staff added. A member's own choices stay theirs to change in the profile."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from domain.collaborators import Collaborators
from domain.errors import DomainError, InvalidInputError, PermissionDeniedError
from domain.groups.models import GroupMembership
from domain.groups.policies import in_groups_hosted_by
from domain.identity.models import InterestTag, Member, MemberInterestTag, Role
from domain.identity.tags import lock_offered_tags


class OwnTagError(DomainError):
    code = "OWN_TAG"
    message = "这是邻居自己选的兴趣标签，只有本人可以修改"


async def may_tag(actor: Member, member_id: int) -> bool:
    """Admins anyone; a host the members of a group they host."""
    if actor.has_role(Role.ADMIN):
        return await Member.filter(id=member_id).exists()
    if not actor.has_role(Role.HOST):
        return False
    return await GroupMembership.filter(in_groups_hosted_by(actor.id), member_id=member_id).exists()


async def _require(actor: Member, member_id: int, tag_id: int) -> None:
    if not await may_tag(actor, member_id):
        raise PermissionDeniedError("只能给自己主理的小组成员添加标签")
    if not await InterestTag.filter(id=tag_id).exists():
        raise InvalidInputError.single("tagId", "兴趣标签不存在")


async def add_member_tag(
    c: Collaborators, actor: Member, member_id: int, tag_id: int
) -> MemberInterestTag:
    """Idempotent: a tag the member already has (chosen or added) stays as it is. A retired tag
    is not added anew (checked under the tag's share lock: a merge running now waits)."""
    await _require(actor, member_id, tag_id)
    async with in_transaction():
        link = await MemberInterestTag.get_or_none(member_id=member_id, tag_id=tag_id)
        if link is not None:
            return link
        if not await lock_offered_tags([tag_id]):
            raise InvalidInputError.single("tagId", "这个兴趣标签已停用")
        link, _ = await MemberInterestTag.get_or_create(
            member_id=member_id,
            tag_id=tag_id,
            defaults={"added_by_id": actor.id, "created_at": c.clock.now()},
        )
    return link


async def remove_member_tag(actor: Member, member_id: int, tag_id: int) -> bool:
    """Takes off a staff-added tag; False when the member did not have it."""
    await _require(actor, member_id, tag_id)
    links = MemberInterestTag.filter(member_id=member_id, tag_id=tag_id)
    if await links.filter(added_by_id__isnull=True).exists():
        raise OwnTagError()
    return await links.delete() > 0
