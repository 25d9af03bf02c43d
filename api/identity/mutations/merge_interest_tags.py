"""mergeInterestTags: an admin merges one tag into another; the members' tags follow (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, TagRetired, as_user_error
from api.identity.types import InterestTag
from api.permissions import require_role
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity import tags
from domain.identity.models import InterestTag as TagRow
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The tag that goes, and the tag that stays.")
class MergeInterestTagsInput:
    source_id: strawberry.ID = strawberry.field(
        description="The `InterestTag` merged away: retired, its members moved."
    )
    target_id: strawberry.ID = strawberry.field(
        description="The `InterestTag` that stays; it must not be retired."
    )


@strawberry.type(description="Merged: every member of the source now carries the target once.")
class MergeInterestTagsSuccess:
    tag: InterestTag = strawberry.field(description="The tag that stays.")
    merged: InterestTag = strawberry.field(description="The source tag, now retired.")
    members_moved: int = strawberry.field(description="How many members the source tag had.")


MergeInterestTagsResult = Annotated[
    MergeInterestTagsSuccess | InvalidInput | NotFound | TagRetired,
    strawberry.union(
        "MergeInterestTagsResult",
        description="The outcome of `mergeInterestTags`: `InvalidInput` on `targetId` for a "
        "tag merged into itself (or a malformed id), `NotFound` for no such tag, `TagRetired` "
        "when the source is already retired or merged or the target is retired.",
    ),
]


def _ids(input: MergeInterestTagsInput) -> tuple[int, int]:
    errors: list[FieldError] = []
    try:
        source_id = decode_required_id(input.source_id, "InterestTag", "sourceId")
    except InvalidInputError as error:
        errors.extend(error.field_errors)
        source_id = 0
    try:
        target_id = decode_required_id(input.target_id, "InterestTag", "targetId")
    except InvalidInputError as error:
        errors.extend(error.field_errors)
        target_id = 0
    if errors:
        raise InvalidInputError(errors)
    return source_id, target_id


async def merge_interest_tags(
    info: Info[Context, Any], input: MergeInterestTagsInput
) -> MergeInterestTagsResult:
    actor = require_role(info, Role.ADMIN)
    try:
        source_id, target_id = _ids(input)
        target, moved = await tags.merge_tags(
            info.context.collaborators, actor, source_id, target_id
        )
    except DomainError as error:
        return as_user_error(error, MergeInterestTagsResult)
    merged = await TagRow.get(id=source_id)
    return MergeInterestTagsSuccess(
        tag=InterestTag.from_model(target),
        merged=InterestTag.from_model(merged),
        members_moved=moved,
    )
