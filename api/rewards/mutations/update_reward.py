"""updateReward: an admin changes a reward's text, picture, cost, limit or availability window."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, RewardRetired, as_user_error
from api.permissions import require_role
from api.rewards.types import Reward, UpdateRewardSuccess
from domain.edits import KEEP, Keep
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Role
from domain.rewards import admin
from web.ids import decode_id


@strawberry.input(
    description="The reward and what changes; a field left out stays as it is. The cost applies "
    "to redemptions from now on: earlier ones keep what they spent."
)
class UpdateRewardInput:
    reward_id: strawberry.ID = strawberry.field(description="The reward (`Reward.id`).")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="2–60 characters.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="1–2000 characters."
    )
    image_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="An image the admin uploaded (`POST /api/uploads`); null removes the picture.",
    )
    cost_points: int | None = strawberry.field(
        default=strawberry.UNSET, description="Points for one item, 1–1,000,000."
    )
    per_member_limit: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Most items per member, at least 1; null for no limit. Members already "
        "holding more keep theirs and cannot redeem more.",
    )
    available_from: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="When redemption opens; null to open now."
    )
    available_until: datetime | None = strawberry.field(
        default=strawberry.UNSET,
        description="When redemption closes (after `availableFrom`); null to keep it open.",
    )


UpdateRewardResult = Annotated[
    UpdateRewardSuccess | RewardRetired | NotFound | InvalidInput,
    strawberry.union("UpdateRewardResult", description="The outcome of `updateReward`."),
]


def _kept(value: Any) -> Any:
    """Left out, or null where null means nothing (a name, a cost): the field stays."""
    return KEEP if value is strawberry.UNSET or value is None else value


def _clearable(value: Any) -> Any:
    return KEEP if value is strawberry.UNSET else value


def _changes(input: UpdateRewardInput, errors: list[FieldError]) -> admin.RewardChanges:
    image_id: int | Keep | None = KEEP
    if input.image_id is not strawberry.UNSET:
        image_id = decode_id(input.image_id, "Image", "imageId", errors)
    return admin.RewardChanges(
        name=_kept(input.name),
        description=_kept(input.description),
        image_id=image_id,
        cost_points=_kept(input.cost_points),
        per_member_limit=_clearable(input.per_member_limit),
        available_from=_clearable(input.available_from),
        available_until=_clearable(input.available_until),
    )


async def update_reward(info: Info[Context, Any], input: UpdateRewardInput) -> UpdateRewardResult:
    actor = require_role(info, Role.ADMIN)
    errors: list[FieldError] = []
    reward_id = decode_id(input.reward_id, "Reward", "rewardId", errors)
    changes = _changes(input, errors)
    try:
        if errors or reward_id is None:
            raise InvalidInputError(errors)
        reward = await admin.update_reward(info.context.collaborators, actor, reward_id, changes)
    except DomainError as error:
        return as_user_error(error, UpdateRewardResult)
    return UpdateRewardSuccess(reward=Reward.from_model(reward))
