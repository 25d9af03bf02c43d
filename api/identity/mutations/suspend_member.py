"""suspendMember: admins suspend a member until a date, with a reason; their sessions end."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.identity.staff_members import Suspension
from api.identity.types import Member
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import suspensions
from domain.identity.models import Role as DomainRole
from web.ids import decode_required_id


@strawberry.input(description="Whom, why and until when.")
class SuspendMemberInput:
    member_id: strawberry.ID = strawberry.field(description="The `Member` id.")
    reason: str = strawberry.field(description="Why, 2–200 characters (shown to staff).")
    until: datetime = strawberry.field(
        description="When it ends; must be in the future (else `InvalidInput`, field `until`)."
    )


@strawberry.type(description="Suspended: every token of the member was revoked at once.")
class SuspendMemberSuccess:
    member: Member = strawberry.field(description="The member.")
    suspension: Suspension = strawberry.field(description="The suspension now in force.")


SuspendMemberResult = Annotated[
    SuspendMemberSuccess | InvalidInput | NotFound,
    strawberry.union(
        "SuspendMemberResult",
        description="The outcome of `suspendMember`: `InvalidInput` for a short reason, an end "
        "not in the future, an admin (revoke first) or oneself.",
    ),
]


async def suspend_member(
    info: Info[Context, Any], input: SuspendMemberInput
) -> SuspendMemberResult:
    actor = require_role(info, DomainRole.ADMIN)
    try:
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        member = await suspensions.suspend_member(
            info.context.collaborators, actor, member_id, input.reason, input.until
        )
    except DomainError as error:
        return as_user_error(error, SuspendMemberResult)
    return SuspendMemberSuccess(
        member=Member.from_model(member),
        suspension=Suspension(reason=member.suspension_reason or "", until=member.suspended_until),
    )
