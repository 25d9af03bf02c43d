"""Who may see what of a member."""

from __future__ import annotations

from domain.errors import PermissionDeniedError
from domain.identity.models import Member, Role


def can_see_full_phone(viewer: Member | None, member: Member) -> bool:
    """The owner and admins see the whole number; everyone else sees ``138****5678``."""
    if viewer is None:
        return False
    return viewer.id == member.id or viewer.has_role(Role.ADMIN)


def is_staff(member: Member | None) -> bool:
    return member is not None and any(
        member.has_role(role) for role in (Role.HOST, Role.MODERATOR, Role.ADMIN)
    )


def require_role(member: Member, *roles: Role) -> None:
    """Staff actions check the actor's role here too, whichever entrypoint called them."""
    if not any(member.has_role(role) for role in roles):
        raise PermissionDeniedError()
