"""Who may see what of a member."""

from __future__ import annotations

from domain.errors import PermissionDeniedError
from domain.identity.models import EstateChangeRequest, Member, Role


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


def may_decide_estate_change(actor: Member, request: EstateChangeRequest) -> bool:
    """Admins, and hosts of the estate the member wants to join; never the member themselves."""
    if actor.id == request.member_id:
        return False
    if actor.has_role(Role.ADMIN):
        return True
    return actor.has_role(Role.HOST) and actor.estate_id == request.to_estate_id
