"""removeHost: an admin takes a host off a group (never its last host)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, LastHost, NotFound, as_user_error
from api.groups.inputs import group_answer
from api.groups.types import RemoveHostSuccess
from api.permissions import require_role
from domain.errors import DomainError
from domain.groups import admin
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The group and the host to take off it.")
class RemoveHostInput:
    group_id: strawberry.ID = strawberry.field(description="`InterestGroup.id`.")
    member_id: strawberry.ID = strawberry.field(description="`Member.id` of the host.")


RemoveHostResult = Annotated[
    RemoveHostSuccess | InvalidInput | NotFound | LastHost,
    strawberry.union("RemoveHostResult", description="The outcome of `removeHost`."),
]


async def remove_host(info: Info[Context, Any], input: RemoveHostInput) -> RemoveHostResult:
    actor = require_role(info, Role.ADMIN)
    try:
        group_id = decode_required_id(input.group_id, "InterestGroup", "groupId")
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        await admin.remove_host(info.context.collaborators, actor, group_id, member_id)
    except DomainError as error:
        return as_user_error(error, RemoveHostResult)
    return RemoveHostSuccess(group=await group_answer(group_id))
