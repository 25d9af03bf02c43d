"""redeemReward: spend points on a reward, held for pickup with a code."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    IdempotencyMismatch,
    InsufficientPoints,
    InvalidInput,
    LimitReached,
    NotFound,
    RateLimited,
    RewardRetired,
    RewardSoldOut,
    as_user_error,
)
from api.permissions import hit_mutation_limit, logged_in
from api.points.types import Points
from api.rewards.types import RedeemRewardSuccess, Redemption
from domain.collaborators import Collaborators
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Member
from domain.rewards import services
from domain.rewards.services import LimitCounter
from web.ids import decode_id


@strawberry.input(description="What to redeem, and a key that makes retrying safe.")
class RedeemRewardInput:
    reward_id: strawberry.ID = strawberry.field(description="The reward (`Reward.id`).")
    quantity: int = strawberry.field(description="Items, 1–10.")
    idempotency_key: str = strawberry.field(
        description="8–64 characters, new per redemption: a retry with the same key answers the "
        "first redemption and spends nothing more."
    )


RedeemRewardResult = Annotated[
    RedeemRewardSuccess
    | InsufficientPoints
    | RewardSoldOut
    | RewardRetired
    | LimitReached
    | IdempotencyMismatch
    | NotFound
    | InvalidInput
    | RateLimited,
    strawberry.union("RedeemRewardResult", description="The outcome of `redeemReward`."),
]


async def redeem_reward(info: Info[Context, Any], input: RedeemRewardInput) -> RedeemRewardResult:
    member = logged_in(info)
    errors: list[FieldError] = []
    reward_id = decode_id(input.reward_id, "Reward", "rewardId", errors)
    try:
        if errors or reward_id is None:
            raise InvalidInputError(errors)
        return await redeemed(
            info.context.collaborators,
            member,
            (reward_id, input.quantity, input.idempotency_key),
            lambda: hit_mutation_limit(info.context),
        )
    except DomainError as error:
        return as_user_error(error, RedeemRewardResult)


async def redeemed(
    c: Collaborators,
    member: Member,
    asked: tuple[int, int, str],
    count_limits: LimitCounter,
) -> RedeemRewardSuccess:
    """The redemption and the payload both paths answer with (the compiled one in
    ``api/compiled/writes.py``). The service answers a recorded key from its record before any
    limit is counted (a retry of a redemption that happened is never refused as too frequent),
    and counts the member's mutation limit with its own once the key is claimed."""
    reward_id, quantity, idempotency_key = asked
    redemption = await services.redeem_reward(
        c, member, reward_id, quantity, idempotency_key, count_limits=count_limits
    )
    return RedeemRewardSuccess(
        redemption=Redemption.from_model(redemption), points=await Points.of(member.id)
    )
