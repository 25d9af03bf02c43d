"""revokeRole: admins take HOST, MODERATOR or ADMIN away (never their own ADMIN, nor the last)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, StillHostsGroups, as_user_error
from api.identity.types import Member, Role
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import roles
from domain.identity.models import Role as DomainRole
from web.ids import decode_required_id


@strawberry.input(description="Whom, and which role.")
class RevokeRoleInput:
    member_id: strawberry.ID = strawberry.field(description="The `Member` id.")
    role: Role = strawberry.field(description="HOST, MODERATOR or ADMIN (RESIDENT: InvalidInput).")


@strawberry.type(description="The member no longer holds the role.")
class RevokeRoleSuccess:
    member: Member = strawberry.field(description="The member.")
    roles: list[Role] = strawberry.field(description="The roles the member holds now.")


RevokeRoleResult = Annotated[
    RevokeRoleSuccess | InvalidInput | NotFound | StillHostsGroups,
    strawberry.union(
        "RevokeRoleResult",
        description="The outcome of `revokeRole`: `InvalidInput` (field `role`) for RESIDENT, "
        "the caller's own ADMIN or the last admin; `StillHostsGroups` for HOST taken from a "
        "member who still hosts a group.",
    ),
]


async def revoke_role(info: Info[Context, Any], input: RevokeRoleInput) -> RevokeRoleResult:
    actor = require_role(info, DomainRole.ADMIN)
    try:
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        member = await roles.revoke_role(
            info.context.collaborators, actor, member_id, input.role.value
        )
    except DomainError as error:
        return as_user_error(error, RevokeRoleResult)
    return RevokeRoleSuccess(
        member=Member.from_model(member), roles=[Role(r) for r in member.roles]
    )
