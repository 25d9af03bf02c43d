"""liftSuspension: admins end a member's suspension now."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.identity.types import Member
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import suspensions
from domain.identity.models import Role as DomainRole
from web.ids import decode_required_id


@strawberry.input(description="Whose suspension.")
class LiftSuspensionInput:
    member_id: strawberry.ID = strawberry.field(description="The `Member` id.")


@strawberry.type(description="The member may change things again.")
class LiftSuspensionSuccess:
    member: Member = strawberry.field(description="The member.")


LiftSuspensionResult = Annotated[
    LiftSuspensionSuccess | InvalidInput | NotFound,
    strawberry.union(
        "LiftSuspensionResult",
        description="The outcome of `liftSuspension`: `InvalidInput` when the member is not "
        "suspended.",
    ),
]


async def lift_suspension(
    info: Info[Context, Any], input: LiftSuspensionInput
) -> LiftSuspensionResult:
    actor = require_role(info, DomainRole.ADMIN)
    try:
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        member = await suspensions.lift_suspension(info.context.collaborators, actor, member_id)
    except DomainError as error:
        return as_user_error(error, LiftSuspensionResult)
    return LiftSuspensionSuccess(member=Member.from_model(member))
