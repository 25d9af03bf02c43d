"""GraphQL types of the points mall: rewards, redemptions and the results of their mutations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.points.types import Points
from domain.rewards import models
from domain.rewards import queries as rewards_queries


@strawberry.enum(description="Where a redemption stands.")
class RedemptionStatus(Enum):
    RESERVED = strawberry.enum_value(
        "RESERVED", description="Points spent and the item held: show the pickup code."
    )
    FULFILLED = strawberry.enum_value("FULFILLED", description="Picked up at the pickup point.")
    CANCELLED = strawberry.enum_value(
        "CANCELLED", description="Cancelled before pickup; the points came back."
    )


@strawberry.type(description="An image.")
class Image:
    url: str = strawberry.field(description="Where to load it from.")
    width: int | None = strawberry.field(description="Width in pixels; null when not known.")
    height: int | None = strawberry.field(description="Height in pixels; null when not known.")


RedeemedCounts = DataLoader[int, int]


def redeemed_counts(member_id: int | None) -> RedeemedCounts:
    """Per page of rewards: the member's live quantities of all of them in one statement."""

    async def load(reward_ids: list[int]) -> list[int]:
        if member_id is None:
            return [0] * len(reward_ids)
        found = await rewards_queries.live_quantities(member_id, list(reward_ids))
        return [found.get(reward_id, 0) for reward_id in reward_ids]

    return DataLoader(load_fn=load)


def _viewer_id(info: Info[Context, Any]) -> int | None:
    return info.context.member.id if info.context.member else None


@strawberry.type(description="Something in the points mall (积分商城) that points buy.")
class Reward(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="The reward's name.")
    description: str = strawberry.field(description="What it is and how to pick it up.")
    cost_points: int = strawberry.field(description="Points for one item.")
    stock: int = strawberry.field(description="Items left; 0 means sold out.")
    per_member_limit: int | None = strawberry.field(
        description="Most items one member may hold or have picked up; null for no limit."
    )
    available_from: datetime | None = strawberry.field(
        description="When redemption opens; null when open from the start."
    )
    available_until: datetime | None = strawberry.field(
        description="When redemption closes; null when it stays open."
    )
    model: strawberry.Private[models.Reward]
    counts: strawberry.Private[RedeemedCounts | None]

    @classmethod
    def from_model(cls, reward: models.Reward, counts: RedeemedCounts | None = None) -> Reward:
        return cls(
            id=reward.id,
            name=reward.name,
            description=reward.description,
            cost_points=reward.cost_points,
            stock=reward.stock,
            per_member_limit=reward.per_member_limit,
            available_from=reward.available_from,
            available_until=reward.available_until,
            model=reward,
            counts=counts,
        )

    @field(
        description="Retired by the operators: out of the mall, no new redemptions; reserved "
        "ones can still be picked up or cancelled."
    )
    def retired(self) -> bool:
        return self.model.retired_at is not None

    @field(description="The reward's picture; null when it has none.")
    def image(self) -> Image | None:
        url = self.model.image_url
        return Image(url=url, width=None, height=None) if url else None

    @field(
        description="How many the viewer holds or has picked up (cancelled ones do not count); "
        "0 when signed out."
    )
    async def viewer_redeemed_count(self, info: Info[Context, Any]) -> int:
        return await self.redeemed_by(_viewer_id(info))

    async def redeemed_by(self, viewer_id: int | None) -> int:
        """``viewerRedeemedCount`` for ``viewer_id`` (the page's loader when there is one)."""
        counts = self.counts or redeemed_counts(viewer_id)
        return await counts.load(self.model.id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Reward | None]:
        ids = [int(i) for i in node_ids]
        found = {r.id: r for r in await models.Reward.filter(id__in=ids)}
        counts = redeemed_counts(_viewer_id(info))
        return [cls.from_model(found[i], counts) if i in found else None for i in ids]


@strawberry.type(description="Rewards open for redemption now, oldest first.")
class RewardConnection(relay.Connection[Reward]):
    pass


@strawberry.type(description="Points spent on a reward, to be picked up with a code.")
class Redemption(relay.Node):
    id: relay.NodeID[int]
    status: RedemptionStatus = strawberry.field(description="Where the redemption stands.")
    quantity: int = strawberry.field(description="Items redeemed.")
    points_spent: int = strawberry.field(description="Points the redemption took.")
    created_at: datetime = strawberry.field(description="When the member redeemed.")
    fulfilled_at: datetime | None = strawberry.field(description="When it was picked up.")
    cancelled_at: datetime | None = strawberry.field(description="When it was cancelled.")
    reward: Reward = strawberry.field(description="What was redeemed.")
    model: strawberry.Private[models.Redemption]

    @classmethod
    def from_model(
        cls, redemption: models.Redemption, counts: RedeemedCounts | None = None
    ) -> Redemption:
        """``redemption`` with its reward fetched."""
        return cls(
            id=redemption.id,
            status=RedemptionStatus(redemption.status.value),
            quantity=redemption.quantity,
            points_spent=redemption.points_spent,
            created_at=redemption.created_at,
            fulfilled_at=redemption.fulfilled_at,
            cancelled_at=redemption.cancelled_at,
            reward=Reward.from_model(redemption.reward, counts),
            model=redemption,
        )

    @field(
        description="The 6-character code shown at the pickup point; only for the member who "
        "redeemed (null for anyone else)."
    )
    def pickup_code(self, info: Info[Context, Any]) -> str | None:
        return self.pickup_code_for(_viewer_id(info))

    def pickup_code_for(self, viewer_id: int | None) -> str | None:
        """``pickupCode`` as ``viewer_id`` sees it: only the member who redeemed."""
        if viewer_id is not None and viewer_id == self.model.member_id:
            return self.model.pickup_code
        return None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Redemption | None]:
        """Only the member's own redemptions; anyone else's look like none at all."""
        ids = [int(i) for i in node_ids]
        viewer_id = _viewer_id(info)
        found: dict[int, models.Redemption] = {}
        if viewer_id is not None:
            rows = await models.Redemption.filter(id__in=ids, member_id=viewer_id).select_related(
                "reward"
            )
            found = {row.id: row for row in rows}
        counts = redeemed_counts(viewer_id)
        return [cls.from_model(found[i], counts) if i in found else None for i in ids]


@strawberry.type(description="The viewer's redemptions, newest first.")
class RedemptionConnection(relay.Connection[Redemption]):
    pass


@strawberry.type(description="Redeemed: the points are spent and the item is held for pickup.")
class RedeemRewardSuccess:
    redemption: Redemption = strawberry.field(
        description="The redemption (the first one when the idempotency key was used before)."
    )
    points: Points = strawberry.field(description="The member's points afterwards.")


@strawberry.type(description="Cancelled: the item went back to stock and the points came back.")
class CancelRedemptionSuccess:
    redemption: Redemption = strawberry.field(description="The cancelled redemption.")
    points: Points = strawberry.field(description="The member's points afterwards.")


@strawberry.type(description="The reward is in the mall.")
class CreateRewardSuccess:
    reward: Reward = strawberry.field(description="The new reward.")


@strawberry.type(description="The stock was raised.")
class RestockRewardSuccess:
    reward: Reward = strawberry.field(description="The reward with its new stock.")


@strawberry.type(description="Picked up: the redemption is fulfilled.")
class FulfilRedemptionSuccess:
    redemption: Redemption = strawberry.field(description="The fulfilled redemption.")


@strawberry.type(description="The reward was changed; new redemptions follow it.")
class UpdateRewardSuccess:
    reward: Reward = strawberry.field(description="The reward as it is now.")


@strawberry.type(description="The reward is retired (retiring it again changes nothing).")
class RetireRewardSuccess:
    reward: Reward = strawberry.field(description="The retired reward.")
