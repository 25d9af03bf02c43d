"""What the dashboard's filters offer a staff member: the estates and groups whose figures
``policies.require_dashboard_scope`` lets them see."""

from __future__ import annotations

from dataclasses import dataclass

from domain.groups.models import InterestGroup
from domain.groups.queries import groups_run_by
from domain.identity.models import Estate, Member, Role
from domain.identity.queries import list_estates


@dataclass(frozen=True)
class ScopeChoices:
    estates: list[Estate]
    groups: list[InterestGroup]


async def scope_choices(viewer: Member, group_limit: int) -> ScopeChoices:
    """Admins every estate and (up to ``group_limit``) every group; a host their own estate and
    the groups they host. Two statements."""
    if viewer.has_role(Role.ADMIN):
        estates = await list_estates()
    else:
        estates = await Estate.filter(id=viewer.estate_id).order_by("id")
    return ScopeChoices(estates, await groups_run_by(viewer, limit=group_limit))
