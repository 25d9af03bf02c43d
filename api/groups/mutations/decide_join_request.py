"""decideJoinRequest: a private group's host approves or declines a request to join."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import GroupArchived, InvalidInput, NotFound, RequestNotPending, as_user_error
from api.groups.private_types import DecideJoinRequestSuccess, GroupJoinRequest
from api.permissions import logged_in
from domain.errors import DomainError
from domain.groups import private
from web.ids import decode_required_id


@strawberry.input(description="The request and the host's answer.")
class DecideJoinRequestInput:
    request_id: strawberry.ID = strawberry.field(description="`GroupJoinRequest.id`.")
    approve: bool = strawberry.field(description="True lets the member in; false declines.")


DecideJoinRequestResult = Annotated[
    DecideJoinRequestSuccess | NotFound | RequestNotPending | GroupArchived | InvalidInput,
    strawberry.union("DecideJoinRequestResult", description="The outcome of `decideJoinRequest`."),
]


async def decide_join_request(
    info: Info[Context, Any], input: DecideJoinRequestInput
) -> DecideJoinRequestResult:
    actor = logged_in(info)
    try:
        request_id = decode_required_id(input.request_id, "GroupJoinRequest", "requestId")
        request = await private.decide_join_request(
            info.context.collaborators, actor, request_id, input.approve
        )
    except DomainError as error:
        return as_user_error(error, DecideJoinRequestResult)
    return DecideJoinRequestSuccess(request=GroupJoinRequest.from_model(request))
