"""createInterestTag: an admin adds a tag members can choose (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, TagNameTaken, as_user_error
from api.identity.types import InterestTag
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import tags
from domain.identity.models import Role


@strawberry.input(description="The new tag.")
class CreateInterestTagInput:
    name: str = strawberry.field(description="Its name, 1–20 characters, unique.")


@strawberry.type(description="Created: members can choose the tag now.")
class CreateInterestTagSuccess:
    tag: InterestTag = strawberry.field(description="The new tag.")


CreateInterestTagResult = Annotated[
    CreateInterestTagSuccess | InvalidInput | TagNameTaken,
    strawberry.union(
        "CreateInterestTagResult",
        description="The outcome of `createInterestTag`: `InvalidInput` on field `name` for a "
        "blank or too long name, `TagNameTaken` when another tag has it.",
    ),
]


async def create_interest_tag(
    info: Info[Context, Any], input: CreateInterestTagInput
) -> CreateInterestTagResult:
    actor = require_role(info, Role.ADMIN)
    try:
        tag = await tags.create_tag(info.context.collaborators, actor, input.name)
    except DomainError as error:
        return as_user_error(error, CreateInterestTagResult)
    return CreateInterestTagSuccess(tag=InterestTag.from_model(tag))
