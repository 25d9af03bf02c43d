"""grantBadge: admins grant a manual badge with a reason (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import BadgeAlreadyHeld, InvalidInput, NotFound, as_user_error
from api.honours.types import Badge, GrantBadgeSuccess
from api.permissions import require_role
from domain.errors import DomainError
from domain.honours import services
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="Which manual badge to whom, and why.")
class GrantBadgeInput:
    member_id: strawberry.ID = strawberry.field(description="The `Member` id.")
    code: str = strawberry.field(description="A manual badge's code, e.g. `NEIGHBOUR_HERO`.")
    reason: str = strawberry.field(description="Why (kept in the audit log), 1–200 characters.")


GrantBadgeResult = Annotated[
    GrantBadgeSuccess | InvalidInput | NotFound | BadgeAlreadyHeld,
    strawberry.union(
        "GrantBadgeResult",
        description="`InvalidInput` for a badge that is not manual or an empty reason.",
    ),
]


async def grant_badge(info: Info[Context, Any], input: GrantBadgeInput) -> GrantBadgeResult:
    actor = require_role(info, Role.ADMIN)
    try:
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        award = await services.grant_badge(
            info.context.collaborators, actor, member_id, input.code, input.reason
        )
    except DomainError as error:
        return as_user_error(error, GrantBadgeResult)
    return GrantBadgeSuccess(badge=Badge.from_model(award))
