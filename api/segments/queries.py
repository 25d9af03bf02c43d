"""Staff reads of the member list with tiers and RFM."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.errors import Forbidden
from api.fields import field
from api.identity.types import Member, RfmScores, Tier
from api.pagination import after_id, check_first, connection_of, filter_id
from api.permissions import require_role
from domain.errors import PermissionDeniedError
from domain.identity.models import Member as MemberRow
from domain.identity.models import Role
from domain.kpis.metrics import Scope
from domain.kpis.policies import default_estate, require_dashboard_scope
from domain.privacy.access_log import record_reads
from domain.privacy.record_models import AccessKind
from domain.segments import queries


@strawberry.type
class MemberConnection(relay.Connection[Member]):
    pass


async def _members_estate(info: Info[Context, Any], estate_id: int | None) -> int | None:
    """The estate to list: the one asked for, else the viewer's default (all for admins, their
    own for hosts); refused as the portal's export is when the viewer may not see it."""
    member = require_role(info, Role.ADMIN, Role.HOST)
    estate = estate_id if estate_id is not None else default_estate(member)
    try:
        await require_dashboard_scope(member, Scope(estate_id=estate))
    except PermissionDeniedError as error:
        raise Forbidden("只能查看自己小区的会员") from error
    return estate


@strawberry.type
class SegmentsQuery:
    @field(
        description="Staff: members by id with their tier and RFM, optionally of one tier and "
        "estate; `first` is 1–50. Admins see every estate, hosts their own."
    )
    async def members(
        self,
        info: Info[Context, Any],
        first: int,
        after: str | None = None,
        tier: Tier | None = None,
        estate_id: strawberry.ID | None = None,
    ) -> MemberConnection:
        estate = await _members_estate(info, filter_id(estate_id, "Estate"))
        check_first(first)
        rows = await queries.members_page(
            estate, tier.name if tier else None, after_id(after), first
        )
        shown = [m.id for m in rows[:first]]
        viewer = info.context.member
        now = info.context.collaborators.clock.now()
        if viewer is not None:  # require_role above: always a staff member here
            await record_reads(viewer, shown, AccessKind.MEMBERS_LIST, now)
        rfm = await queries.rfm_of(info.context.collaborators, shown)

        def node(row: MemberRow) -> Member:
            member = Member.from_model(row)
            member.rfm_scores = RfmScores.from_rfm(rfm[row.id]) if row.id in rfm else None
            return member

        return connection_of(MemberConnection, rows, first, after, node)
