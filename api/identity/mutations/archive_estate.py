"""archiveEstate: an admin closes an estate to new members; those in it keep it."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.identity.estates import ArchiveEstateSuccess
from api.identity.types import Estate
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import estates
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The estate to archive.")
class ArchiveEstateInput:
    estate_id: strawberry.ID = strawberry.field(description="The estate (`Estate.id`).")


ArchiveEstateResult = Annotated[
    ArchiveEstateSuccess | InvalidInput | NotFound,
    strawberry.union("ArchiveEstateResult", description="The outcome of `archiveEstate`."),
]


async def archive_estate(
    info: Info[Context, Any], input: ArchiveEstateInput
) -> ArchiveEstateResult:
    admin = require_role(info, Role.ADMIN)
    try:
        estate_id = decode_required_id(input.estate_id, "Estate", "estateId")
        estate = await estates.archive_estate(info.context.collaborators, admin, estate_id)
    except DomainError as error:
        return as_user_error(error, ArchiveEstateResult)
    return ArchiveEstateSuccess(estate=Estate.from_model(estate))
