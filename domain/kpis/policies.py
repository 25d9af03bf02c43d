"""Who may see which dashboard: admins any; a host their own estate and their own groups.

A scope names up to two things, an estate and a group, and the figures are their intersection; so
every thing it names must be one the caller may see. A host naming their own group together with
another estate would otherwise read that estate's figures (its acquisition spend, in CAC)."""

from __future__ import annotations

from domain.errors import PermissionDeniedError
from domain.groups.policies import hosts_group
from domain.identity.models import Member, Role
from domain.kpis.metrics import Scope


def default_estate(member: Member) -> int | None:
    """The estate a staff member's dashboard and member list show when none is chosen: every
    estate (None) for admins, their own for anyone else."""
    return None if member.has_role(Role.ADMIN) else member.estate_id


async def require_dashboard_scope(member: Member, scope: Scope) -> None:
    """The dashboard's figures and the member list (and its CSV export) of ``scope``: refused
    with ``PermissionDeniedError`` unless ``member`` may see every thing it names."""
    if member.has_role(Role.ADMIN):
        return
    if not member.has_role(Role.HOST):
        raise PermissionDeniedError()
    if scope.group_id is None and scope.estate_id is None:
        raise PermissionDeniedError()  # the whole programme is for admins
    if scope.estate_id is not None and scope.estate_id != member.estate_id:
        raise PermissionDeniedError()
    if scope.group_id is not None:
        if not await hosts_group(member, scope.group_id):
            raise PermissionDeniedError()
