"""The operator dashboard's query: KPIs of a period for a scope the viewer may see."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import ClientError, Forbidden
from api.fields import field
from api.kpis.types import Dashboard
from api.pagination import filter_id
from api.permissions import require_role
from domain.errors import PermissionDeniedError
from domain.identity.models import Role
from domain.kpis import dashboard as dashboards
from domain.kpis.metrics import Period, Scope
from domain.kpis.policies import require_dashboard_scope

log = logging.getLogger("linli.kpis")


@strawberry.type
class KpisQuery:
    @field(
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
