"""Who may create events for a group and check attendees in."""

from __future__ import annotations

from domain.errors import PermissionDeniedError
from domain.groups.models import InterestGroup
from domain.groups.policies import runs_group
from domain.identity.models import Member, Role


async def can_run_events(member: Member, group: InterestGroup | None) -> bool:
    """Admins for any group (and for programme-wide events without one); a host only for the
    groups they host (``GroupHost``: the lead host and co-hosts). Moderators curate, not run."""
    if group is None:
        return member.has_role(Role.ADMIN)
    return await runs_group(member, group.id)


async def require_event_runner(member: Member, group: InterestGroup | None) -> None:
    if not await can_run_events(member, group):
        raise PermissionDeniedError()
