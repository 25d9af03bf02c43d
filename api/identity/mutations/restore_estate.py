"""restoreEstate: an admin opens an archived estate to new members again."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.identity.estates import RestoreEstateSuccess
from api.identity.types import Estate
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import estates
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The archived estate to restore.")
class RestoreEstateInput:
    estate_id: strawberry.ID = strawberry.field(description="The estate (`Estate.id`).")


RestoreEstateResult = Annotated[
    RestoreEstateSuccess | InvalidInput | NotFound,
    strawberry.union("RestoreEstateResult", description="The outcome of `restoreEstate`."),
]


async def restore_estate(
    info: Info[Context, Any], input: RestoreEstateInput
) -> RestoreEstateResult:
    admin = require_role(info, Role.ADMIN)
    try:
        estate_id = decode_required_id(input.estate_id, "Estate", "estateId")
        estate = await estates.restore_estate(info.context.collaborators, admin, estate_id)
    except DomainError as error:
        return as_user_error(error, RestoreEstateResult)
    return RestoreEstateSuccess(estate=Estate.from_model(estate))
