"""setLeadHost: an admin makes one of a group's co-hosts its lead host."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.groups.inputs import group_answer
from api.groups.types import SetLeadHostSuccess
from api.permissions import require_role
from domain.errors import DomainError
from domain.groups import admin
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The group and the co-host who will lead it.")
class SetLeadHostInput:
    group_id: strawberry.ID = strawberry.field(description="`InterestGroup.id`.")
    member_id: strawberry.ID = strawberry.field(
        description="`Member.id` of one of the group's hosts."
    )


SetLeadHostResult = Annotated[
    SetLeadHostSuccess | InvalidInput | NotFound,
    strawberry.union("SetLeadHostResult", description="The outcome of `setLeadHost`."),
]


async def set_lead_host(info: Info[Context, Any], input: SetLeadHostInput) -> SetLeadHostResult:
    actor = require_role(info, Role.ADMIN)
    try:
        group_id = decode_required_id(input.group_id, "InterestGroup", "groupId")
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        await admin.set_lead_host(info.context.collaborators, actor, group_id, member_id)
    except DomainError as error:
        return as_user_error(error, SetLeadHostResult)
    return SetLeadHostSuccess(group=await group_answer(group_id))
