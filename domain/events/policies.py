"""Who may create events for a group and check attendees in."""

from __future__ import annotations

from domain.errors import PermissionDeniedError
from domain.groups.models import InterestGroup
from domain.identity.models import Member, Role


def can_run_events(member: Member, group: InterestGroup | None) -> bool:
    """Admins for any group (and for programme-wide events without one); a host only for the
    groups they host (the host rule of ``can_moderate_group``). Moderators curate, not run."""
    if member.has_role(Role.ADMIN):
        return True
    return group is not None and member.has_role(Role.HOST) and group.host_id == member.id


def require_event_runner(member: Member, group: InterestGroup | None) -> None:
    if not can_run_events(member, group):
        raise PermissionDeniedError()
