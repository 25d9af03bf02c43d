"""removeFromGroup: a private group's host takes a member out (no new request for 30 days)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    CannotRemoveHost,
    GroupArchived,
    InvalidInput,
    NotFound,
    NotPrivateGroup,
    as_user_error,
)
from api.groups.private_types import RemoveFromGroupSuccess
from api.permissions import logged_in
from domain.errors import DomainError
from domain.groups import private
from web.ids import decode_required_id, encode_id


@strawberry.input(description="The private group and the member to take out.")
class RemoveFromGroupInput:
    group_id: strawberry.ID = strawberry.field(description="`InterestGroup.id`.")
    member_id: strawberry.ID = strawberry.field(description="`Member.id` of the member.")


RemoveFromGroupResult = Annotated[
    RemoveFromGroupSuccess
    | NotFound
    | NotPrivateGroup
    | CannotRemoveHost
    | GroupArchived
    | InvalidInput,
    strawberry.union("RemoveFromGroupResult", description="The outcome of `removeFromGroup`."),
]


async def remove_from_group(
    info: Info[Context, Any], input: RemoveFromGroupInput
) -> RemoveFromGroupResult:
    actor = logged_in(info)
    try:
        group_id = decode_required_id(input.group_id, "InterestGroup", "groupId")
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        await private.remove_member(info.context.collaborators, actor, group_id, member_id)
    except DomainError as error:
        return as_user_error(error, RemoveFromGroupResult)
    return RemoveFromGroupSuccess(member_id=strawberry.ID(encode_id("Member", member_id)))
