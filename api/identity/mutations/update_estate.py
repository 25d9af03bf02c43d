"""updateEstate: an admin corrects an estate's name, city, district or address."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import EstateNameTaken, InvalidInput, NotFound, as_user_error
from api.identity.estates import UpdateEstateSuccess
from api.identity.types import Estate
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import estates
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The estate and all its details as they should be.")
class UpdateEstateInput:
    estate_id: strawberry.ID = strawberry.field(description="The estate (`Estate.id`).")
    name: str = strawberry.field(description="1–60 characters, unique.")
    city: str = strawberry.field(description="1–30 characters.")
    district: str = strawberry.field(description="1–30 characters.")
    address: str = strawberry.field(description="Up to 120 characters; empty clears it.")


UpdateEstateResult = Annotated[
    UpdateEstateSuccess | InvalidInput | EstateNameTaken | NotFound,
    strawberry.union("UpdateEstateResult", description="The outcome of `updateEstate`."),
]


async def update_estate(info: Info[Context, Any], input: UpdateEstateInput) -> UpdateEstateResult:
    admin = require_role(info, Role.ADMIN)
    data = estates.EstateInput(input.name, input.city, input.district, input.address)
    try:
        estate_id = decode_required_id(input.estate_id, "Estate", "estateId")
        estate = await estates.update_estate(info.context.collaborators, admin, estate_id, data)
    except DomainError as error:
        return as_user_error(error, UpdateEstateResult)
    return UpdateEstateSuccess(estate=Estate.from_model(estate))
