"""requestToJoinGroup: ask a private group's hosts to be let in."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    AlreadyMember,
    GroupArchived,
    InvalidInput,
    NotEligible,
    NotFound,
    NotPrivateGroup,
    RecentlyRemoved,
    as_user_error,
)
from api.groups.private_types import GroupJoinRequest, RequestToJoinGroupSuccess
from api.permissions import logged_in
from domain.errors import DomainError
from domain.groups import private
from web.ids import decode_required_id


@strawberry.input(description="The private group to ask for, with an optional message.")
class RequestToJoinGroupInput:
    group_id: strawberry.ID = strawberry.field(description="`InterestGroup.id`.")
    message: str = strawberry.field(
        default="", description="A few words to the hosts, at most 200 characters."
    )


RequestToJoinGroupResult = Annotated[
    RequestToJoinGroupSuccess
    | NotFound
    | NotPrivateGroup
    | NotEligible
    | AlreadyMember
    | RecentlyRemoved
    | GroupArchived
    | InvalidInput,
    strawberry.union(
        "RequestToJoinGroupResult", description="The outcome of `requestToJoinGroup`."
    ),
]


async def request_to_join_group(
    info: Info[Context, Any], input: RequestToJoinGroupInput
) -> RequestToJoinGroupResult:
    member = logged_in(info)
    try:
        group_id = decode_required_id(input.group_id, "InterestGroup", "groupId")
        request = await private.request_to_join(
            info.context.collaborators, member, group_id, input.message
        )
    except DomainError as error:
        return as_user_error(error, RequestToJoinGroupResult)
    return RequestToJoinGroupSuccess(request=GroupJoinRequest.from_model(request))
