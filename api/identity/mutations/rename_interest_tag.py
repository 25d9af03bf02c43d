"""renameInterestTag: an admin renames a tag; members who carry it see the new name (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, TagMerged, TagNameTaken, as_user_error
from api.identity.types import InterestTag
from api.permissions import require_role
from domain.errors import DomainError
from domain.identity import tags
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="Which tag, and its new name.")
class RenameInterestTagInput:
    tag_id: strawberry.ID = strawberry.field(description="The `InterestTag` id.")
    name: str = strawberry.field(description="The new name, 1–20 characters, unique.")


@strawberry.type(description="Renamed (the same name again changes nothing).")
class RenameInterestTagSuccess:
    tag: InterestTag = strawberry.field(description="The tag with its new name.")


RenameInterestTagResult = Annotated[
    RenameInterestTagSuccess | InvalidInput | TagNameTaken | NotFound | TagMerged,
    strawberry.union(
        "RenameInterestTagResult",
        description="The outcome of `renameInterestTag`: `InvalidInput` on `name` or `tagId`, "
        "`TagNameTaken`, `NotFound` for no such tag, `TagMerged` for a merged tag.",
    ),
]


async def rename_interest_tag(
    info: Info[Context, Any], input: RenameInterestTagInput
) -> RenameInterestTagResult:
    actor = require_role(info, Role.ADMIN)
    try:
        tag_id = decode_required_id(input.tag_id, "InterestTag", "tagId")
        tag = await tags.rename_tag(info.context.collaborators, actor, tag_id, input.name)
    except DomainError as error:
        return as_user_error(error, RenameInterestTagResult)
    return RenameInterestTagSuccess(tag=InterestTag.from_model(tag))
