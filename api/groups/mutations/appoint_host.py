"""appointHost: an admin makes a member a host (主理人) of a group."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.groups.inputs import group_answer
from api.groups.types import AppointHostSuccess
from api.permissions import require_role
from domain.errors import DomainError
from domain.groups import admin
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The group and the member who will host it.")
class AppointHostInput:
    group_id: strawberry.ID = strawberry.field(description="`InterestGroup.id`.")
    member_id: strawberry.ID = strawberry.field(description="`Member.id` of the new host.")


AppointHostResult = Annotated[
    AppointHostSuccess | InvalidInput | NotFound,
    strawberry.union("AppointHostResult", description="The outcome of `appointHost`."),
]


async def appoint_host(info: Info[Context, Any], input: AppointHostInput) -> AppointHostResult:
    actor = require_role(info, Role.ADMIN)
    try:
        group_id = decode_required_id(input.group_id, "InterestGroup", "groupId")
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        await admin.appoint_host(info.context.collaborators, actor, group_id, member_id)
    except DomainError as error:
        return as_user_error(error, AppointHostResult)
    return AppointHostSuccess(group=await group_answer(group_id))
