"""updateGroup: an admin changes a group's name, slug, description, visibility or cover."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    ContentBlocked,
    EstateArchived,
    GroupNameTaken,
    InvalidInput,
    NotFound,
    SlugTaken,
    as_user_error,
)
from api.groups.inputs import group_answer, group_input, raise_if_any
from api.groups.types import UpdateGroupSuccess
from api.permissions import require_role
from domain.errors import DomainError, FieldError
from domain.groups import admin
from domain.identity.models import Role
from web.ids import decode_id


@strawberry.input(description="A group's new values: every field is sent, as the form shows them.")
class UpdateGroupInput:
    group_id: strawberry.ID = strawberry.field(description="`InterestGroup.id`.")
    name: str = strawberry.field(description="2–30 characters, unique.")
    slug: str = strawberry.field(
        description="2–40 lowercase letters, digits or hyphens; unique. Old links stop working."
    )
    description: str = strawberry.field(description="1–500 characters.")
    estate_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An active estate for an estate-only group; omit (null) to open the group "
        "to every estate.",
    )
    cover_image_id: strawberry.ID | None = strawberry.field(
        default=None, description="A new cover the admin uploaded; omit to keep the cover."
    )


UpdateGroupResult = Annotated[
    UpdateGroupSuccess
    | InvalidInput
    | NotFound
    | SlugTaken
    | GroupNameTaken
    | EstateArchived
    | ContentBlocked,
    strawberry.union("UpdateGroupResult", description="The outcome of `updateGroup`."),
]


async def update_group(info: Info[Context, Any], input: UpdateGroupInput) -> UpdateGroupResult:
    actor = require_role(info, Role.ADMIN)
    errors: list[FieldError] = []
    group_id = decode_id(input.group_id, "InterestGroup", "groupId", errors)
    data = group_input(
        input.name,
        input.slug,
        input.description,
        input.estate_id,
        input.cover_image_id,
        errors,
    )
    try:
        raise_if_any(errors)
        pk = group_id or 0  # decoded: a bad id is among the errors raised above
        await admin.update_group(info.context.collaborators, actor, pk, data)
    except DomainError as error:
        return as_user_error(error, UpdateGroupResult)
    return UpdateGroupSuccess(group=await group_answer(pk))
