"""updatePickupPoint: an admin corrects a pickup point's name, address or opening hours."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.identity.estates import UpdatePickupPointSuccess
from api.identity.types import PickupPoint
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import estates
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The pickup point and all its details as they should be.")
class UpdatePickupPointInput:
    pickup_point_id: strawberry.ID = strawberry.field(description="`PickupPoint.id`.")
    name: str = strawberry.field(description="1–40 characters.")
    address: str = strawberry.field(description="1–120 characters.")
    opening_hours: str = strawberry.field(description="1–80 characters.")


UpdatePickupPointResult = Annotated[
    UpdatePickupPointSuccess | InvalidInput | NotFound,
    strawberry.union("UpdatePickupPointResult", description="The outcome of `updatePickupPoint`."),
]


async def update_pickup_point(
    info: Info[Context, Any], input: UpdatePickupPointInput
) -> UpdatePickupPointResult:
    admin = require_role(info, Role.ADMIN)
    data = estates.PickupPointInput(input.name, input.address, input.opening_hours)
    try:
        point_id = decode_required_id(input.pickup_point_id, "PickupPoint", "pickupPointId")
        point = await estates.update_pickup_point(info.context.collaborators, admin, point_id, data)
    except DomainError as error:
        return as_user_error(error, UpdatePickupPointResult)
    return UpdatePickupPointSuccess(pickup_point=PickupPoint.from_model(point))
