"""retireInterestTag: an admin stops offering a tag; members who have it keep it (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.identity.types import InterestTag
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import tags
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="Which tag.")
class RetireInterestTagInput:
    tag_id: strawberry.ID = strawberry.field(description="The `InterestTag` id.")


@strawberry.type(description="Retired: no longer offered to choose.")
class RetireInterestTagSuccess:
    tag: InterestTag = strawberry.field(description="The tag as it is now.")


RetireInterestTagResult = Annotated[
    RetireInterestTagSuccess | InvalidInput | NotFound,
    strawberry.union(
        "RetireInterestTagResult",
        description="The outcome of `retireInterestTag`: `InvalidInput` on `tagId` for a "
        "malformed id, `NotFound` for no such tag. Retiring a retired tag changes nothing.",
    ),
]


async def retire_interest_tag(
    info: Info[Context, Any], input: RetireInterestTagInput
) -> RetireInterestTagResult:
    actor = require_role(info, Role.ADMIN)
    try:
        tag_id = decode_required_id(input.tag_id, "InterestTag", "tagId")
        tag = await tags.retire_tag(info.context.collaborators, actor, tag_id)
    except DomainError as error:
        return as_user_error(error, RetireInterestTagResult)
    return RetireInterestTagSuccess(tag=InterestTag.from_model(tag))
