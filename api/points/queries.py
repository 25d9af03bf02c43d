"""Points root fields."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.pagination import check_first
from api.points.leaderboard import (
    Leaderboard,
    LeaderboardKind,
    points_leaderboard,
    referrals_leaderboard,
)


@strawberry.type
class PointsQuery:
    @field(
        description="A leaderboard: the top `first` (1–50) members and the viewer's place. "
        "`POINTS` is this month's points, `REFERRALS` is 推荐之星 (qualified referrals)."
    )
    async def leaderboard(
        self, info: Info[Context, Any], kind: LeaderboardKind, first: int
    ) -> Leaderboard:
        check_first(first)
        board = referrals_leaderboard if kind is LeaderboardKind.REFERRALS else points_leaderboard
        return await board(info.context.collaborators, info.context.member, first)
