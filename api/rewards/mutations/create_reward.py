"""createReward: an admin puts a new reward in the points mall."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, as_user_error
from api.permissions import require_role
from api.rewards.types import CreateRewardSuccess, Reward
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Role
from domain.rewards import rules, services
from web.ids import decode_id


@strawberry.input(description="A new reward.")
class CreateRewardInput:
    name: str = strawberry.field(description="2–60 characters.")
    description: str = strawberry.field(
        description="1–2000 characters: what it is and where to pick it up."
    )
    image_id: strawberry.ID | None = strawberry.field(
        default=None, description="An uploaded image's id (`POST /api/uploads`)."
    )
    cost_points: int = strawberry.field(description="Points for one item, 1–1,000,000.")
    stock: int = strawberry.field(description="Items in stock, 0–1,000,000.")
    per_member_limit: int | None = strawberry.field(
        default=None, description="Most items per member, at least 1; omit for no limit."
    )
    available_from: datetime | None = strawberry.field(
        default=None, description="When redemption opens; omit to open now."
    )
    available_until: datetime | None = strawberry.field(
        default=None,
        description="When redemption closes (after `availableFrom`); omit to keep it open.",
    )


CreateRewardResult = Annotated[
    CreateRewardSuccess | InvalidInput,
    strawberry.union("CreateRewardResult", description="The outcome of `createReward`."),
]


def _field_errors(new: services.NewReward) -> list[FieldError]:
    return rules.reward_field_errors(
        new.name,
        new.description,
        new.cost_points,
        new.stock,
        new.per_member_limit,
        new.available_from,
        new.available_until,
    )


async def create_reward(info: Info[Context, Any], input: CreateRewardInput) -> CreateRewardResult:
    admin = require_role(info, Role.ADMIN)
    errors: list[FieldError] = []
    new = services.NewReward(
        name=input.name,
        description=input.description,
        cost_points=input.cost_points,
        stock=input.stock,
        per_member_limit=input.per_member_limit,
        available_from=input.available_from,
        available_until=input.available_until,
        image_id=decode_id(input.image_id, "Image", "imageId", errors),
    )
    try:
        if errors:
            # The other fields are checked too, so the form shows every mistake at once.
            raise InvalidInputError([*errors, *_field_errors(new)])
        reward = await services.create_reward(info.context.collaborators, admin, new)
    except DomainError as error:
        return as_user_error(error, CreateRewardResult)
    return CreateRewardSuccess(reward=Reward.from_model(reward))
