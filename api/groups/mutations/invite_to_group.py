"""inviteToGroup: a private group's host brings a member in."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    GroupArchived,
    InvalidInput,
    NotEligible,
    NotFound,
    NotPrivateGroup,
    as_user_error,
)
from api.groups.private_types import InviteToGroupSuccess
from api.identity.types import Member
from api.permissions import logged_in
from domain.errors import DomainError
from domain.groups import private
from web.ids import decode_required_id


@strawberry.input(description="The private group and the member to bring in.")
class InviteToGroupInput:
    group_id: strawberry.ID = strawberry.field(description="`InterestGroup.id`.")
    member_id: strawberry.ID = strawberry.field(description="`Member.id` of the member.")


InviteToGroupResult = Annotated[
    InviteToGroupSuccess | NotFound | NotPrivateGroup | NotEligible | GroupArchived | InvalidInput,
    strawberry.union("InviteToGroupResult", description="The outcome of `inviteToGroup`."),
]


async def invite_to_group(
    info: Info[Context, Any], input: InviteToGroupInput
) -> InviteToGroupResult:
    actor = logged_in(info)
    try:
        group_id = decode_required_id(input.group_id, "InterestGroup", "groupId")
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        joined = await private.invite_member(info.context.collaborators, actor, group_id, member_id)
    except DomainError as error:
        return as_user_error(error, InviteToGroupResult)
    await joined.fetch_related("member")
    return InviteToGroupSuccess(member=Member.from_model(joined.member))
