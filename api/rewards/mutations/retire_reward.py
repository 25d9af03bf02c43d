"""retireReward: an admin takes a reward out of the mall for good."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.permissions import require_role
from api.rewards.types import RetireRewardSuccess, Reward
from domain.errors import DomainError
from domain.identity.models import Role
from domain.rewards import admin
from web.ids import decode_required_id


@strawberry.input(description="The reward to retire.")
class RetireRewardInput:
    reward_id: strawberry.ID = strawberry.field(description="The reward (`Reward.id`).")


RetireRewardResult = Annotated[
    RetireRewardSuccess | NotFound | InvalidInput,
    strawberry.union("RetireRewardResult", description="The outcome of `retireReward`."),
]


async def retire_reward(info: Info[Context, Any], input: RetireRewardInput) -> RetireRewardResult:
    actor = require_role(info, Role.ADMIN)
    try:
        reward_id = decode_required_id(input.reward_id, "Reward", "rewardId")
        reward = await admin.retire_reward(info.context.collaborators, actor, reward_id)
    except DomainError as error:
        return as_user_error(error, RetireRewardResult)
    return RetireRewardSuccess(reward=Reward.from_model(reward))
