"""fulfilRedemption: a host or admin hands the item over against its pickup code."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import AlreadyFulfilled, InvalidInput, NotFound, RedemptionCancelled, as_user_error
from api.permissions import require_role
from api.rewards.types import FulfilRedemptionSuccess, Redemption
from domain.errors import DomainError
from domain.identity.models import Role
from domain.rewards import services


@strawberry.input(description="The code the member shows at the pickup point.")
class FulfilRedemptionInput:
    pickup_code: str = strawberry.field(description="6 characters; case and spaces do not matter.")


FulfilRedemptionResult = Annotated[
    FulfilRedemptionSuccess | AlreadyFulfilled | RedemptionCancelled | NotFound | InvalidInput,
    strawberry.union("FulfilRedemptionResult", description="The outcome of `fulfilRedemption`."),
]


async def fulfil_redemption(
    info: Info[Context, Any], input: FulfilRedemptionInput
) -> FulfilRedemptionResult:
    staff = require_role(info, Role.HOST, Role.ADMIN)
    try:
        redemption = await services.fulfil_redemption(
            info.context.collaborators, staff, input.pickup_code
        )
    except DomainError as error:
        return as_user_error(error, FulfilRedemptionResult)
    return FulfilRedemptionSuccess(redemption=Redemption.from_model(redemption))
