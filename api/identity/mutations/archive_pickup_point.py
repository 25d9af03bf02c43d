"""archivePickupPoint: an admin retires a pickup point; residents no longer see it."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.identity.estates import ArchivePickupPointSuccess
from api.identity.types import PickupPoint
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import estates
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The pickup point to archive.")
class ArchivePickupPointInput:
    pickup_point_id: strawberry.ID = strawberry.field(description="`PickupPoint.id`.")


ArchivePickupPointResult = Annotated[
    ArchivePickupPointSuccess | InvalidInput | NotFound,
    strawberry.union(
        "ArchivePickupPointResult", description="The outcome of `archivePickupPoint`."
    ),
]


async def archive_pickup_point(
    info: Info[Context, Any], input: ArchivePickupPointInput
) -> ArchivePickupPointResult:
    admin = require_role(info, Role.ADMIN)
    try:
        point_id = decode_required_id(input.pickup_point_id, "PickupPoint", "pickupPointId")
        point = await estates.archive_pickup_point(info.context.collaborators, admin, point_id)
    except DomainError as error:
        return as_user_error(error, ArchivePickupPointResult)
    return ArchivePickupPointSuccess(pickup_point=PickupPoint.from_model(point))
