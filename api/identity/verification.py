"""Estate verification as the API shows it: the viewer's own status (and how to get verified),
and the attestation hosts and admins give."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from domain.identity import verification


@strawberry.enum(description="How a member was shown to live in their estate.")
class EstateVerifiedBy(Enum):
    PURCHASE = strawberry.enum_value(
        "PURCHASE", description="An order picked up at the estate's pickup point."
    )
    ATTESTED = strawberry.enum_value(
        "ATTESTED", description="A host of the estate, or an admin, vouched for them."
    )
    INVITE = strawberry.enum_value(
        "INVITE", description="Invited by a member verified in the estate."
    )


@strawberry.type(
    description="Whether the member is verified in their current estate. Estate-only campaign "
    "votes and estate-only groups' events need it (`EstateUnverified` otherwise); public groups "
    "do not."
)
class EstateVerification:
    verified: bool = strawberry.field(description="Verified in the member's current estate.")
    via: EstateVerifiedBy | None = strawberry.field(description="How; null when not verified.")
    verified_at: datetime | None = strawberry.field(description="When; null when not verified.")
    how_to_verify: list[str] = strawberry.field(
        description="The ways to get verified, in Chinese, for a member not verified yet (empty "
        "once verified)."
    )


async def estate_verification_of(member_id: int, estate_id: int | None) -> EstateVerification:
    found = None
    if estate_id is not None:
        found = await verification.find_verification(member_id, estate_id)
    if found is None:
        return EstateVerification(
            verified=False, via=None, verified_at=None, how_to_verify=list(verification.HOW_TO)
        )
    return EstateVerification(
        verified=True,
        via=EstateVerifiedBy(found.via.value),
        verified_at=found.verified_at,
        how_to_verify=[],
    )
