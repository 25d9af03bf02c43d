"""checkIn: the daily check-in (签到)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import AlreadyCheckedIn, as_user_error
from api.permissions import logged_in
from api.points.types import CheckInSuccess, Points
from domain.errors import DomainError
from domain.points import services

CheckInResult = Annotated[
    CheckInSuccess | AlreadyCheckedIn,
    strawberry.union("CheckInResult", description="The outcome of `checkIn`."),
]


async def check_in(info: Info[Context, Any]) -> CheckInResult:
    member = logged_in(info)
    try:
        result = await services.check_in(info.context.collaborators, member)
    except DomainError as error:
        return as_user_error(error, CheckInResult)
    return CheckInSuccess(
        points_awarded=result.points_awarded,
        streak=result.streak,
        points=await Points.of(member.id),
    )
