"""Points' mutation root fields: the daily check-in and admins' adjustments."""

from __future__ import annotations

import strawberry

from api.permissions import IsAuthenticated
from api.points.mutations.adjust_points import AdjustPointsResult, adjust_points
from api.points.mutations.check_in import CheckInResult, check_in


@strawberry.type
class PointsMutation:
    check_in: CheckInResult = strawberry.mutation(
        resolver=check_in,
        description="Check in for today (签到): once per Shanghai calendar day.",
        permission_classes=[IsAuthenticated],
    )
    adjust_points: AdjustPointsResult = strawberry.mutation(
        resolver=adjust_points,
        description="Admins: correct a member's points with a reason; above 1,000 points a "
        "second admin approves.",
    )
