"""communityLift: admins compare a period's participants with matched non-participants."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, as_user_error
from api.fields import field
from api.lift.types import CommunityLift, LiftAction
from api.permissions import require_role
from domain.clock import SHANGHAI
from domain.errors import InvalidInputError
from domain.identity.models import Role
from domain.lift.report import community_lift

CommunityLiftResult = Annotated[
    CommunityLift | InvalidInput,
    strawberry.union(
        "CommunityLiftResult",
        description="`InvalidInput` for a period that ends before it starts, has not ended "
        "before today, or lasts over 366 days.",
    ),
]


@strawberry.type
class LiftQuery:
    @field(
        description="Admins: the community-lift report of `from`–`to` (Shanghai dates, both "
        "included) for `action`. Anyone else gets a top-level FORBIDDEN error."
    )
    async def community_lift(
        self,
        info: Info[Context, Any],
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        action: LiftAction,
    ) -> CommunityLiftResult:
        require_role(info, Role.ADMIN)
        today = info.context.collaborators.clock.now().astimezone(SHANGHAI).date()
        try:
            report = await community_lift(from_, to, action.domain(), today)
        except InvalidInputError as error:
            return as_user_error(error, CommunityLiftResult)
        return CommunityLift.of(report)
