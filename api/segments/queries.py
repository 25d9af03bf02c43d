"""Staff reads: the member list with tiers and RFM, and the operator dashboard."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.errors import ClientError, Forbidden
from api.identity.types import Member, RfmScores, Tier
from api.pagination import after_id, check_first, connection_of, filter_id
from api.permissions import require_role
from api.segments.types import Dashboard
from domain.errors import PermissionDeniedError
from domain.identity.models import Role
from domain.kpis import dashboard as dashboards
from domain.kpis.metrics import Period, Scope
from domain.kpis.policies import require_dashboard_scope
from domain.segments import queries

log = logging.getLogger("linli.kpis")


@strawberry.type
class MemberConnection(relay.Connection[Member]):
    pass


def _members_estate(info: Info[Context, Any], estate_id: int | None) -> int | None:
    """Admins see any estate (or all); a host only their own estate."""
    member = require_role(info, Role.ADMIN, Role.HOST)
    if member.has_role(Role.ADMIN):
        return estate_id
    if estate_id is not None and estate_id != member.estate_id:
        raise Forbidden("只能查看自己小区的会员")
    if member.estate_id is None:
        raise Forbidden("只能查看自己小区的会员")
    return member.estate_id


@strawberry.type
class SegmentsQuery:
    @strawberry.field(
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
        estate = _members_estate(info, filter_id(estate_id, "Estate"))
        check_first(first)
        rows = await queries.members_page(
            estate, tier.name if tier else None, after_id(after), first
        )
        rfm = await queries.rfm_of(info.context.collaborators, [m.id for m in rows[:first]])

        def node(row: Any) -> Member:
            member = Member.from_model(row)
            member.rfm_scores = RfmScores.from_rfm(rfm[row.id]) if row.id in rfm else None
            return member

        return connection_of(MemberConnection, rows, first, after, node)

    @strawberry.field(
        description="Staff: KPIs for `from`–`to` (Shanghai dates, both included, at most a "
        "year of 366 days), optionally one estate or group. Admins any scope; hosts their own "
        "estate or their own groups; anyone else FORBIDDEN."
    )
    async def dashboard(
        self,
        info: Info[Context, Any],
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        estate_id: strawberry.ID | None = None,
        group_id: strawberry.ID | None = None,
    ) -> Dashboard:
        member = require_role(info, Role.ADMIN, Role.HOST)
        if to < from_ or Period(from_, to).too_long:
            raise ClientError("日期范围无效：结束不能早于开始，且最长一年")
        scope = Scope(
            estate_id=filter_id(estate_id, "Estate"), group_id=filter_id(group_id, "InterestGroup")
        )
        try:
            await require_dashboard_scope(member, scope)
        except PermissionDeniedError as error:
            raise Forbidden("只能查看自己小区或自己小组的数据") from error
        started = time.perf_counter()
        board = await dashboards.dashboard(scope, Period(from_, to))
        log.info(
            "dashboard computed",
            extra={"duration_ms": round(1000 * (time.perf_counter() - started), 1)},
        )
        return Dashboard.from_model(board)
