"""createGroup: an admin creates an interest group with its hosts."""

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
    SlugTaken,
    as_user_error,
)
from api.groups.inputs import group_answer, group_input, raise_if_any
from api.groups.types import CreateGroupSuccess
from api.permissions import require_role
from domain.errors import DomainError, FieldError
from domain.groups import admin
from domain.identity.models import Role
from web.ids import decode_id


@strawberry.input(description="A new interest group and who hosts it.")
class CreateGroupInput:
    name: str = strawberry.field(description="2–30 characters, unique.")
    slug: str = strawberry.field(
        description="URL name: 2–40 lowercase letters, digits or hyphens, starting and ending "
        "with a letter or digit; unique."
    )
    description: str = strawberry.field(description="What the group is about, 1–500 characters.")
    estate_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An active estate: only its residents may join. Omit: open to every estate.",
    )
    cover_image_id: strawberry.ID | None = strawberry.field(
        default=None, description="An image the admin uploaded (`POST /api/uploads`)."
    )
    host_ids: list[strawberry.ID] = strawberry.field(
        description="`Member.id`s of the hosts, at least one; the first leads. Each gets the "
        "HOST role if they lack it."
    )


CreateGroupResult = Annotated[
    CreateGroupSuccess
    | InvalidInput
    | SlugTaken
    | GroupNameTaken
    | EstateArchived
    | ContentBlocked,
    strawberry.union("CreateGroupResult", description="The outcome of `createGroup`."),
]


async def create_group(info: Info[Context, Any], input: CreateGroupInput) -> CreateGroupResult:
    actor = require_role(info, Role.ADMIN)
    errors: list[FieldError] = []
    data = group_input(
        input.name,
        input.slug,
        input.description,
        input.estate_id,
        input.cover_image_id,
        errors,
    )
    host_ids = [decode_id(raw, "Member", "hostIds", errors) for raw in input.host_ids[:20]]
    if len(input.host_ids) > 20:
        errors.append(FieldError("hostIds", "一次最多任命 20 位主理人"))
    try:
        raise_if_any(errors)
        group = await admin.create_group(
            info.context.collaborators, actor, data, [i for i in host_ids if i is not None]
        )
    except DomainError as error:
        return as_user_error(error, CreateGroupResult)
    return CreateGroupSuccess(group=await group_answer(group.id))
