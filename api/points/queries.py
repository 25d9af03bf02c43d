"""Points root fields."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.pagination import check_first
from api.points.leaderboard import Leaderboard, LeaderboardKind, points_leaderboard


@strawberry.type
class PointsQuery:
    @strawberry.field(
        description="This month's leaderboard: the top `first` (1–50) members and the viewer's "
        "place. `REFERRALS` is not served yet and answers an empty board."
    )
    async def leaderboard(
        self, info: Info[Context, Any], kind: LeaderboardKind, first: int
    ) -> Leaderboard:
        check_first(first)
        if kind is LeaderboardKind.REFERRALS:
            return Leaderboard(entries=[], viewer_entry=None)
        return await points_leaderboard(info.context.collaborators, info.context.member, first)
