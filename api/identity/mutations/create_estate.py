"""createEstate: an admin adds an estate (小区), optionally with its first pickup points."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import EstateNameTaken, InvalidInput, as_user_error
from api.identity.estates import CreateEstateSuccess, PickupPointDetailsInput
from api.identity.types import Estate
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import estates
from domain.identity.models import Role


@strawberry.input(description="A new estate.")
class CreateEstateInput:
    name: str = strawberry.field(description="1–60 characters, unique, e.g. 「翠湖花园」.")
    city: str = strawberry.field(description="1–30 characters, e.g. 上海.")
    district: str = strawberry.field(description="1–30 characters, e.g. 浦东新区.")
    address: str = strawberry.field(default="", description="Up to 120 characters; optional.")
    pickup_points: list[PickupPointDetailsInput] = strawberry.field(
        default_factory=list, description="Its first pickup points, at most 10; optional."
    )


CreateEstateResult = Annotated[
    CreateEstateSuccess | InvalidInput | EstateNameTaken,
    strawberry.union(
        "CreateEstateResult",
        description="The outcome of `createEstate`: `InvalidInput` names each field "
        "(`pickupPoints.0.name` for a pickup point's), `EstateNameTaken` a name in use.",
    ),
]


async def create_estate(info: Info[Context, Any], input: CreateEstateInput) -> CreateEstateResult:
    admin = require_role(info, Role.ADMIN)
    data = estates.EstateInput(input.name, input.city, input.district, input.address)
    points = [point.to_domain() for point in input.pickup_points]
    try:
        estate = await estates.create_estate(info.context.collaborators, admin, data, points)
    except DomainError as error:
        return as_user_error(error, CreateEstateResult)
    return CreateEstateSuccess(estate=Estate.from_model(estate))
