"""attestEstateResident: a host of the member's estate, or an admin, vouches that they live
there."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import AlreadyVerified, InvalidInput, NotFound, as_user_error
from api.identity.types import Member
from api.identity.verification import EstateVerification, estate_verification_of
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import verification
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The member to verify in their current estate.")
class AttestEstateResidentInput:
    member_id: strawberry.ID = strawberry.field(description="`Member.id`.")


@strawberry.type(description="Verified: the member may vote and register in their estate.")
class AttestEstateResidentSuccess:
    member: Member = strawberry.field(description="The member verified.")
    verification: EstateVerification = strawberry.field(description="Their verification now.")


AttestEstateResidentResult = Annotated[
    AttestEstateResidentSuccess | AlreadyVerified | NotFound | InvalidInput,
    strawberry.union(
        "AttestEstateResidentResult",
        description="The outcome of `attestEstateResident`: `NotFound` for a member who does "
        "not exist, has no estate, or lives in an estate the host does not (and for oneself); "
        "`AlreadyVerified` when they are verified there already.",
    ),
]


async def attest_estate_resident(
    info: Info[Context, Any], input: AttestEstateResidentInput
) -> AttestEstateResidentResult:
    actor = require_role(info, Role.HOST, Role.ADMIN)
    try:
        member_id = decode_required_id(input.member_id, "Member", "memberId")
        found = await verification.attest_resident(info.context.collaborators, actor, member_id)
    except DomainError as error:
        return as_user_error(error, AttestEstateResidentResult)
    member = await found.member
    return AttestEstateResidentSuccess(
        member=Member.from_model(member),
        verification=await estate_verification_of(member.id, member.estate_id),
    )
