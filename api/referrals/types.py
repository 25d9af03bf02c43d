"""GraphQL types of referrals: the viewer's invitees and whether their first purchase has
rewarded the invitation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.identity.types import Member
from api.pagination import after_id, check_first, connection_of
from domain.referrals import models, queries


@strawberry.enum(description="Where a referral stands.")
class ReferralStatus(Enum):
    PENDING = strawberry.enum_value(
        "PENDING", description="Joined with the invite code; no purchase recorded yet."
    )
    REWARDED = strawberry.enum_value(
        "REWARDED",
        description="The invitee's first purchase was recorded: +100 points to each side, once.",
    )


@strawberry.type(description="A neighbour who joined with the viewer's invite code.")
class Referral(relay.Node):
    id: relay.NodeID[int]
    status: ReferralStatus = strawberry.field(description="Pending or rewarded.")
    created_at: datetime = strawberry.field(description="When the invitee joined.")
    rewarded_at: datetime | None = strawberry.field(
        description="When the invitee's first purchase rewarded both sides; null while pending."
    )
    invitee: Member = strawberry.field(
        description="The neighbour invited (their phone only ever masked)."
    )

    @classmethod
    def from_model(cls, referral: models.Referral) -> Referral:
        """``referral`` with its invitee fetched."""
        return cls(
            id=referral.id,
            status=ReferralStatus(referral.status.value),
            created_at=referral.created_at,
            rewarded_at=referral.rewarded_at,
            invitee=Member.from_model(referral.invitee),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Referral | None]:
        """Only the viewer's own referrals; anyone else's look like none at all."""
        ids = [int(i) for i in node_ids]
        viewer = info.context.member
        found = await queries.referrals_by_id(viewer.id, ids) if viewer else {}
        return [cls.from_model(found[i]) if i in found else None for i in ids]


@strawberry.type(description="The viewer's referrals, newest first.")
class ReferralConnection(relay.Connection[Referral]):
    pass


async def my_referrals(member_id: int, first: int, after: str | None) -> ReferralConnection:
    """One SQL per page whatever its size: referrals joined to their invitees."""
    check_first(first)
    rows = await queries.referrals_page(member_id, after_id(after), first)
    return connection_of(ReferralConnection, rows, first, after, Referral.from_model)
