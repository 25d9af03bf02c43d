"""adjustPoints: an admin's correction of a member's points, with a reason."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    AdjustmentPendingApproval,
    IdempotencyMismatch,
    InsufficientPoints,
    InvalidInput,
    NotFound,
    as_user_error,
)
from api.permissions import require_role
from api.points.types import AdjustPointsSuccess, LedgerEntry
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Role
from domain.points import services
from web.ids import decode_id


@strawberry.input(description="A correction of one member's points.")
class AdjustPointsInput:
    member_id: strawberry.ID = strawberry.field(description="The member (`Member.id`).")
    amount: int = strawberry.field(
        description="Points to add (positive) or take (negative), not 0. Above 1,000 either way "
        "a second admin must approve."
    )
    reason: str = strawberry.field(description="Why, 2–120 characters; the member sees it.")
    idempotency_key: str = strawberry.field(
        description="8–64 characters, new per adjustment: a retry with the same key changes "
        "nothing and answers the first entry."
    )


AdjustPointsResult = Annotated[
    AdjustPointsSuccess
    | AdjustmentPendingApproval
    | InvalidInput
    | NotFound
    | InsufficientPoints
    | IdempotencyMismatch,
    strawberry.union("AdjustPointsResult", description="The outcome of `adjustPoints`."),
]


async def adjust_points(info: Info[Context, Any], input: AdjustPointsInput) -> AdjustPointsResult:
    admin = require_role(info, Role.ADMIN)
    errors: list[FieldError] = []
    member_id = decode_id(input.member_id, "Member", "memberId", errors)
    try:
        if errors or member_id is None:
            raise InvalidInputError(errors)
        entry = await services.adjust_points(
            info.context.collaborators,
            admin,
            member_id,
            input.amount,
            input.reason,
            input.idempotency_key,
        )
    except DomainError as error:
        return as_user_error(error, AdjustPointsResult)
    return AdjustPointsSuccess(entry=LedgerEntry.from_model(entry))
