"""Points-mall root fields."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.pagination import after_id, check_first, connection_of
from api.rewards.types import Reward, RewardConnection, redeemed_counts
from domain.rewards import queries as rewards_queries


@strawberry.type
class RewardsQuery:
    @field(
        description="Rewards open for redemption now, oldest first; `first` is 1–50. Open to "
        "everyone; `viewerRedeemedCount` is 0 when signed out."
    )
    async def rewards(
        self, info: Info[Context, Any], first: int, after: str | None = None
    ) -> RewardConnection:
        check_first(first)
        now = info.context.collaborators.clock.now()
        rows = await rewards_queries.available_rewards_page(now, after_id(after), first)
        viewer = info.context.member
        counts = redeemed_counts(viewer.id if viewer else None)
        return connection_of(
            RewardConnection, rows, first, after, lambda row: Reward.from_model(row, counts)
        )
