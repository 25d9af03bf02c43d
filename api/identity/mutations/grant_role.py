"""grantRole: admins grant HOST or MODERATOR at once; ADMIN waits for a second admin."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, RoleGrantPendingApproval, as_user_error
from api.identity.types import Member, Role
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import roles
from domain.identity.models import Role as DomainRole
from web.ids import decode_required_id


@strawberry.input(description="Whom, and which role.")
class GrantRoleInput:
    member_id: strawberry.ID = strawberry.field(description="The `Member` id.")
    role: Role = strawberry.field(description="HOST, MODERATOR or ADMIN (RESIDENT: InvalidInput).")


@strawberry.type(
    description="The member now holds the role (granting a held role changes nothing)."
)
class GrantRoleSuccess:
    member: Member = strawberry.field(description="The member.")
    roles: list[Role] = strawberry.field(description="The roles the member holds now.")


GrantRoleResult = Annotated[
    GrantRoleSuccess | RoleGrantPendingApproval | InvalidInput | NotFound,
    strawberry.union(
        "GrantRoleResult",
        description="The outcome of `grantRole`: `RoleGrantPendingApproval` for ADMIN (a second "
        "admin decides with `decideRoleGrant`).",
    ),
]


async def grant_role(info: Info[Context, Any], input: GrantRoleInput) -> GrantRoleResult:
    actor = require_role(info, DomainRole.ADMIN)
    try:
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        member = await roles.grant_role(
            info.context.collaborators, actor, member_id, input.role.value
        )
    except DomainError as error:
        return as_user_error(error, GrantRoleResult)
    return GrantRoleSuccess(member=Member.from_model(member), roles=[Role(r) for r in member.roles])
