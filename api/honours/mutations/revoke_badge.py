"""revokeBadge: admins revoke a manual badge with a reason (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.honours.types import RevokeBadgeSuccess
from api.permissions import require_role
from domain.errors import DomainError
from domain.honours import services
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="Which manual badge from whom, and why.")
class RevokeBadgeInput:
    member_id: strawberry.ID = strawberry.field(description="The `Member` id.")
    code: str = strawberry.field(description="A manual badge's code.")
    reason: str = strawberry.field(description="Why (kept in the audit log), 1–200 characters.")


RevokeBadgeResult = Annotated[
    RevokeBadgeSuccess | InvalidInput | NotFound,
    strawberry.union(
        "RevokeBadgeResult",
        description="`NotFound` (code `BADGE_NOT_HELD`) when the member does not hold it; "
        "`InvalidInput` for a badge that is not manual or an empty reason.",
    ),
]


async def revoke_badge(info: Info[Context, Any], input: RevokeBadgeInput) -> RevokeBadgeResult:
    actor = require_role(info, Role.ADMIN)
    try:
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        await services.revoke_badge(
            info.context.collaborators, actor, member_id, input.code, input.reason
        )
    except DomainError as error:
        return as_user_error(error, RevokeBadgeResult)
    return RevokeBadgeSuccess(member_id=input.member_id)
