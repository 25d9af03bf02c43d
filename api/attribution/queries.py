"""The attribution report's query: admins, a period and a dimension."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.attribution.types import AttributionDimension, AttributionRow
from api.context import Context
from api.errors import ClientError
from api.fields import field
from api.permissions import require_role
from api.posts.types import PostKind
from domain.attribution import report
from domain.identity.models import Role
from domain.kpis.metrics import Period
from domain.posts import models as posts

MAX_ROWS = 100


@strawberry.type
class AttributionQuery:
    @field(
        description="Admins: the attribution report (种草带货) for `from`–`to` (Shanghai dates, "
        "both included, at most a year), `first` rows (1–100) of `by`, ranked by last-touch GMV. "
        "Anyone else gets a top-level FORBIDDEN error; a bad period or `first` BAD_USER_INPUT."
    )
    async def attribution_report(
        self,
        info: Info[Context, Any],
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        by: AttributionDimension = AttributionDimension.POST,
        first: int = 20,
        kind: Annotated[
            PostKind | None,
            strawberry.argument(description="Post rows of this kind only (recipes, say)."),
        ] = None,
    ) -> list[AttributionRow]:
        require_role(info, Role.ADMIN)
        if to < from_ or Period(from_, to).too_long:
            raise ClientError("日期范围无效：结束不能早于开始，且最长一年")
        if not 1 <= first <= MAX_ROWS:
            raise ClientError(f"first 应在 1 到 {MAX_ROWS} 之间")
        rows = await report.attribution_report(
            from_, to, report.Dimension(by.name), first, posts.PostKind(kind.name) if kind else None
        )
        return [AttributionRow.of(row) for row in rows]
