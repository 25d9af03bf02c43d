"""cancelRedemption: give a reserved item back before pickup and get the points back."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotCancellable, NotFound, as_user_error
from api.permissions import logged_in
from api.points.types import Points
from api.rewards.types import CancelRedemptionSuccess, Redemption
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.rewards import services
from web.ids import decode_id


@strawberry.input(description="The redemption to cancel.")
class CancelRedemptionInput:
    redemption_id: strawberry.ID = strawberry.field(
        description="One of the viewer's redemptions (`Redemption.id`), still `RESERVED`."
    )


CancelRedemptionResult = Annotated[
    CancelRedemptionSuccess | NotCancellable | NotFound | InvalidInput,
    strawberry.union("CancelRedemptionResult", description="The outcome of `cancelRedemption`."),
]


async def cancel_redemption(
    info: Info[Context, Any], input: CancelRedemptionInput
) -> CancelRedemptionResult:
    member = logged_in(info)
    errors: list[FieldError] = []
    redemption_id = decode_id(input.redemption_id, "Redemption", "redemptionId", errors)
    try:
        if errors or redemption_id is None:
            raise InvalidInputError(errors)
        redemption = await services.cancel_redemption(
            info.context.collaborators, member, redemption_id
        )
    except DomainError as error:
        return as_user_error(error, CancelRedemptionResult)
    return CancelRedemptionSuccess(
        redemption=Redemption.from_model(redemption), points=await Points.of(member.id)
    )
