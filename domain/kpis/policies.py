"""Who may see which dashboard: admins any; a host their own estate and their own groups."""

from __future__ import annotations

from domain.errors import PermissionDeniedError
from domain.groups.models import InterestGroup
from domain.identity.models import Member, Role
from domain.kpis.metrics import Scope


async def require_dashboard_scope(member: Member, scope: Scope) -> None:
    if member.has_role(Role.ADMIN):
        return
    if not member.has_role(Role.HOST):
        raise PermissionDeniedError()
    if scope.group_id is not None:
        if not await InterestGroup.filter(id=scope.group_id, host_id=member.id).exists():
            raise PermissionDeniedError()
        return
    if scope.estate_id is None or scope.estate_id != member.estate_id:
        raise PermissionDeniedError()
