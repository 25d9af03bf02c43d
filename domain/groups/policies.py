"""Who may moderate which group's posts."""

from __future__ import annotations

from domain.groups.models import InterestGroup
from domain.identity.models import Member, Role


def can_moderate_group(member: Member, group: InterestGroup | None) -> bool:
    """Moderators and admins everywhere; a host only in the groups they host."""
    if member.has_role(Role.MODERATOR) or member.has_role(Role.ADMIN):
        return True
    return group is not None and member.has_role(Role.HOST) and group.host_id == member.id
