"""decideRoleGrant: a second admin approves or declines a pending grant of ADMIN, once."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    SecondAdminRequired,
    as_user_error,
)
from api.identity.staff_members import RoleGrantRequest
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import roles
from domain.identity.models import Role as DomainRole
from web.ids import decode_required_id


@strawberry.input(description="Which request, and the decision.")
class DecideRoleGrantInput:
    request_id: strawberry.ID = strawberry.field(description="The `RoleGrantRequest` id.")
    approve: bool = strawberry.field(description="True grants the role, false declines it.")


@strawberry.type(description="Decided: on approval the member holds the role now.")
class DecideRoleGrantSuccess:
    request: RoleGrantRequest = strawberry.field(description="The request as decided.")


DecideRoleGrantResult = Annotated[
    DecideRoleGrantSuccess | SecondAdminRequired | InvalidTransition | InvalidInput | NotFound,
    strawberry.union(
        "DecideRoleGrantResult",
        description="The outcome of `decideRoleGrant`: `SecondAdminRequired` for the requester "
        "or the member, `InvalidTransition` once decided.",
    ),
]


async def decide_role_grant(
    info: Info[Context, Any], input: DecideRoleGrantInput
) -> DecideRoleGrantResult:
    actor = require_role(info, DomainRole.ADMIN)
    try:
        request_id = decode_required_id(input.request_id, "RoleGrantRequest", "requestId")
        request = await roles.decide_role_grant(
            info.context.collaborators, actor, request_id, input.approve
        )
    except DomainError as error:
        return as_user_error(error, DecideRoleGrantResult)
    return DecideRoleGrantSuccess(request=RoleGrantRequest(model=request))
