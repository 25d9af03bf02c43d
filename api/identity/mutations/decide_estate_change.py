"""decideEstateChange: a host or admin of the target estate approves or declines a request."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import EstateArchived, InvalidInput, InvalidTransition, NotFound, as_user_error
from api.identity.estate_changes import EstateChangeRequest
from api.identity.types import Member
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import estate_changes
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="Which request, and the decision.")
class DecideEstateChangeInput:
    request_id: strawberry.ID = strawberry.field(description="The `EstateChangeRequest` id.")
    approve: bool = strawberry.field(description="True moves the member, false keeps them.")


@strawberry.type(description="Decided: on approval the member now belongs to the new estate.")
class DecideEstateChangeSuccess:
    request: EstateChangeRequest = strawberry.field(description="The request as decided.")
    member: Member = strawberry.field(description="The member, with the estate they now have.")


DecideEstateChangeResult = Annotated[
    DecideEstateChangeSuccess | InvalidInput | NotFound | InvalidTransition | EstateArchived,
    strawberry.union(
        "DecideEstateChangeResult",
        description="The outcome of `decideEstateChange`: `NotFound` for a request that does "
        "not exist or is not the caller's to decide, `InvalidTransition` once it is decided, "
        "`EstateArchived` when approving a move into an estate archived since (declining "
        "still works).",
    ),
]


async def decide_estate_change(
    info: Info[Context, Any], input: DecideEstateChangeInput
) -> DecideEstateChangeResult:
    actor = require_role(info, Role.HOST, Role.ADMIN)
    try:
        request_id = decode_required_id(input.request_id, "EstateChangeRequest", "requestId")
        request = await estate_changes.decide_estate_change(
            info.context.collaborators, actor, request_id, input.approve
        )
    except DomainError as error:
        return as_user_error(error, DecideEstateChangeResult)
    return DecideEstateChangeSuccess(
        request=EstateChangeRequest.from_model(request), member=Member.from_model(request.member)
    )
