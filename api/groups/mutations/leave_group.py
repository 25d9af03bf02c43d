"""leaveGroup: stop being a member of an interest group."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import HostCannotLeave, InvalidInput, NotFound, as_user_error
from api.groups.types import InterestGroup, LeaveGroupSuccess
from api.permissions import logged_in
from domain.errors import DomainError
from domain.groups import services
from web.ids import decode_required_id


@strawberry.input(description="The group to leave.")
class LeaveGroupInput:
    group_id: strawberry.ID = strawberry.field(description="`InterestGroup.id`.")


LeaveGroupResult = Annotated[
    LeaveGroupSuccess | NotFound | HostCannotLeave | InvalidInput,
    strawberry.union("LeaveGroupResult", description="The outcome of `leaveGroup`."),
]


async def leave_group(info: Info[Context, Any], input: LeaveGroupInput) -> LeaveGroupResult:
    member = logged_in(info)
    try:
        group_id = decode_required_id(input.group_id, "InterestGroup", "groupId")
        group = await services.leave_group(info.context.collaborators, member, group_id)
    except DomainError as error:
        return as_user_error(error, LeaveGroupResult)
    await group.fetch_related("host")
    return LeaveGroupSuccess(group=InterestGroup.from_model(group, is_member=False))
