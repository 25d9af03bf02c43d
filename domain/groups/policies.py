"""Who hosts, and who may moderate, which group. Hosting is the ``GroupHost`` table (the lead host
and every co-host), read at the moment of the decision: an appointment or a removal holds for the
very next request."""

from __future__ import annotations

from tortoise.expressions import Q, Subquery

from domain.groups.models import GroupHost, InterestGroup
from domain.identity.models import Member, Role


def hosted_group_ids(member_id: int) -> Subquery:
    """The ids of the groups ``member_id`` hosts, as a subquery of the caller's own statement."""
    return Subquery(GroupHost.filter(member_id=member_id).values("group_id"))


def groups_hosted_by(member_id: int) -> Q:
    """Filter for ``InterestGroup`` rows hosted by ``member_id``."""
    return Q(id__in=hosted_group_ids(member_id))


def in_groups_hosted_by(member_id: int) -> Q:
    """Filter for rows with a ``group`` relation (posts, events, memberships) in those groups."""
    return Q(group_id__in=hosted_group_ids(member_id))


async def hosts_group(member: Member, group_id: int) -> bool:
    """A host of the group with the HOST role (a revoked role ends the hosting's powers)."""
    if not member.has_role(Role.HOST):
        return False
    return await GroupHost.exists(group_id=group_id, member_id=member.id)


async def runs_group(member: Member, group_id: int) -> bool:
    """Who may run a group's console, its events and its members' tags: admins any group, a
    host the groups they host. Both entrypoints ask this; "not yours" looks like "not found"."""
    return member.has_role(Role.ADMIN) or await hosts_group(member, group_id)


def can_moderate_group(member: Member, group: InterestGroup | None, hosts_it: bool) -> bool:
    """Moderators and admins everywhere; a host only in the groups they host (``hosts_it``: the
    caller read it with the group, e.g. the posts' ``viewer_hosts`` column)."""
    if member.has_role(Role.MODERATOR) or member.has_role(Role.ADMIN):
        return True
    return group is not None and member.has_role(Role.HOST) and hosts_it


async def may_moderate_group(member: Member, group: InterestGroup | None) -> bool:
    """``can_moderate_group`` reading the hosting itself (one statement, for hosts only)."""
    if member.has_role(Role.MODERATOR) or member.has_role(Role.ADMIN):
        return True
    return group is not None and await hosts_group(member, group.id)
