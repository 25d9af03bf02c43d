"""Who may run tier playbooks: admins only (they spend points and speak to every member)."""

from __future__ import annotations

from domain.identity.models import Member, Role
from domain.identity.policies import require_role


def may_run_playbooks(member: Member) -> bool:
    return member.has_role(Role.ADMIN)


def require_playbook_admin(member: Member) -> None:
    require_role(member, Role.ADMIN)
