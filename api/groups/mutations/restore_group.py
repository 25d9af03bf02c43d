"""restoreGroup: an admin restores an interest group (audited; doing it twice changes nothing)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.groups.inputs import group_answer
from api.groups.types import RestoreGroupSuccess
from api.permissions import require_role
from domain.errors import DomainError
from domain.groups import admin
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The group to restore.")
class RestoreGroupInput:
    group_id: strawberry.ID = strawberry.field(description="`InterestGroup.id`.")


RestoreGroupResult = Annotated[
    RestoreGroupSuccess | InvalidInput | NotFound,
    strawberry.union("RestoreGroupResult", description="The outcome of `restoreGroup`."),
]


async def restore_group(info: Info[Context, Any], input: RestoreGroupInput) -> RestoreGroupResult:
    actor = require_role(info, Role.ADMIN)
    try:
        group_id = decode_required_id(input.group_id, "InterestGroup", "groupId")
        await admin.restore_group(info.context.collaborators, actor, group_id)
    except DomainError as error:
        return as_user_error(error, RestoreGroupResult)
    return RestoreGroupSuccess(group=await group_answer(group_id))
