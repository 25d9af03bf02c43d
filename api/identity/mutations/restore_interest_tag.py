"""restoreInterestTag: an admin offers a retired tag again (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, TagMerged, as_user_error
from api.identity.types import InterestTag
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import tags
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="Which tag.")
class RestoreInterestTagInput:
    tag_id: strawberry.ID = strawberry.field(description="The `InterestTag` id.")


@strawberry.type(description="Restored: offered again.")
class RestoreInterestTagSuccess:
    tag: InterestTag = strawberry.field(description="The tag as it is now.")


RestoreInterestTagResult = Annotated[
    RestoreInterestTagSuccess | InvalidInput | NotFound | TagMerged,
    strawberry.union(
        "RestoreInterestTagResult",
        description="The outcome of `restoreInterestTag`: `InvalidInput` on `tagId` for a "
        "malformed id, `NotFound` for no such tag, `TagMerged` for a merged tag (its members "
        "carry the other tag now).",
    ),
]


async def restore_interest_tag(
    info: Info[Context, Any], input: RestoreInterestTagInput
) -> RestoreInterestTagResult:
    actor = require_role(info, Role.ADMIN)
    try:
        tag_id = decode_required_id(input.tag_id, "InterestTag", "tagId")
        tag = await tags.restore_tag(info.context.collaborators, actor, tag_id)
    except DomainError as error:
        return as_user_error(error, RestoreInterestTagResult)
    return RestoreInterestTagSuccess(tag=InterestTag.from_model(tag))
