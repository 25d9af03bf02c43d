"""restockReward: an admin adds items to a reward's stock."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.permissions import require_role
from api.rewards.types import RestockRewardSuccess, Reward
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Role
from domain.rewards import services
from web.ids import decode_id


@strawberry.input(description="The reward and how many items arrived.")
class RestockRewardInput:
    reward_id: strawberry.ID = strawberry.field(description="The reward (`Reward.id`).")
    quantity: int = strawberry.field(description="Items to add, 1–1,000,000.")


RestockRewardResult = Annotated[
    RestockRewardSuccess | NotFound | InvalidInput,
    strawberry.union("RestockRewardResult", description="The outcome of `restockReward`."),
]


async def restock_reward(
    info: Info[Context, Any], input: RestockRewardInput
) -> RestockRewardResult:
    admin = require_role(info, Role.ADMIN)
    errors: list[FieldError] = []
    reward_id = decode_id(input.reward_id, "Reward", "rewardId", errors)
    try:
        if errors or reward_id is None:
            raise InvalidInputError(errors)
        reward = await services.restock_reward(
            info.context.collaborators, admin, reward_id, input.quantity
        )
    except DomainError as error:
        return as_user_error(error, RestockRewardResult)
    return RestockRewardSuccess(reward=Reward.from_model(reward))
