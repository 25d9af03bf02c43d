"""addPickupPoint: an admin adds a pickup point (自提点) to an active estate."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import EstateArchived, InvalidInput, NotFound, as_user_error
from api.identity.estates import AddPickupPointSuccess
from api.identity.types import Estate, PickupPoint
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import estates
from domain.identity.models import Estate as EstateRow
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The estate and the new pickup point's details.")
class AddPickupPointInput:
    estate_id: strawberry.ID = strawberry.field(description="The estate (`Estate.id`).")
    name: str = strawberry.field(description="1–40 characters, e.g. 「南门快递柜旁」.")
    address: str = strawberry.field(description="1–120 characters.")
    opening_hours: str = strawberry.field(description="1–80 characters, e.g. 「每天 9:00–21:00」.")


AddPickupPointResult = Annotated[
    AddPickupPointSuccess | InvalidInput | NotFound | EstateArchived,
    strawberry.union(
        "AddPickupPointResult",
        description="The outcome of `addPickupPoint`: an archived estate takes no new pickup "
        "point (`EstateArchived`).",
    ),
]


async def add_pickup_point(
    info: Info[Context, Any], input: AddPickupPointInput
) -> AddPickupPointResult:
    admin = require_role(info, Role.ADMIN)
    data = estates.PickupPointInput(input.name, input.address, input.opening_hours)
    try:
        estate_id = decode_required_id(input.estate_id, "Estate", "estateId")
        point = await estates.add_pickup_point(info.context.collaborators, admin, estate_id, data)
    except DomainError as error:
        return as_user_error(error, AddPickupPointResult)
    estate = await EstateRow.get(id=point.estate_id)
    return AddPickupPointSuccess(
        pickup_point=PickupPoint.from_model(point), estate=Estate.from_model(estate)
    )
