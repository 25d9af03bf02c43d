"""joinGroup: become a member of an interest group."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    GroupArchived,
    InvalidInput,
    JoinByRequest,
    NotEligible,
    NotFound,
    as_user_error,
)
from api.groups.types import InterestGroup, JoinGroupSuccess
from api.permissions import logged_in
from domain.errors import DomainError
from domain.groups import services
from web.ids import decode_required_id


@strawberry.input(description="The group to join.")
class JoinGroupInput:
    group_id: strawberry.ID = strawberry.field(description="`InterestGroup.id`.")


JoinGroupResult = Annotated[
    JoinGroupSuccess | NotFound | NotEligible | InvalidInput | GroupArchived | JoinByRequest,
    strawberry.union("JoinGroupResult", description="The outcome of `joinGroup`."),
]


async def join_group(info: Info[Context, Any], input: JoinGroupInput) -> JoinGroupResult:
    member = logged_in(info)
    try:
        group_id = decode_required_id(input.group_id, "InterestGroup", "groupId")
        group = await services.join_group(info.context.collaborators, member, group_id)
    except DomainError as error:
        return as_user_error(error, JoinGroupResult)
    await group.fetch_related("host")
    return JoinGroupSuccess(group=InterestGroup.from_model(group, is_member=True))
