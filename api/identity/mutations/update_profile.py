"""updateProfile: nickname, avatar, estate and interest tags of the signed-in member."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import ContentBlocked, EstateArchived, InvalidInput, RateLimited, as_user_error
from api.identity.types import UpdateProfileSuccess, Viewer
from api.permissions import logged_in
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity import services
from web.ids import decode_id


@strawberry.input(description="Fields to change; omitted fields stay as they are.")
class UpdateProfileInput:
    display_name: str | None = strawberry.field(default=None, description="New nickname.")
    avatar_image_id: strawberry.ID | None = strawberry.field(
        default=None, description="An uploaded image's id (`POST /api/uploads`)."
    )
    estate_id: strawberry.ID | None = strawberry.field(default=None, description="New estate.")
    interest_tag_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The member's chosen tags, replacing the previous choice."
    )


UpdateProfileResult = Annotated[
    UpdateProfileSuccess | InvalidInput | RateLimited | EstateArchived | ContentBlocked,
    strawberry.union(
        "UpdateProfileResult",
        description="The outcome of `updateProfile`: `EstateArchived` when the estate chosen "
        "no longer takes new members (nothing saved).",
    ),
]


def _changes(input: UpdateProfileInput, errors: list[FieldError]) -> services.ProfileChanges:
    tag_ids = None
    if input.interest_tag_ids is not None:
        decoded = [
            decode_id(raw, "InterestTag", f"interestTagIds.{n}", errors)
            for n, raw in enumerate(input.interest_tag_ids)
        ]
        tag_ids = [tag_id for tag_id in decoded if tag_id is not None]
    return services.ProfileChanges(
        display_name=input.display_name,
        avatar_image_id=decode_id(input.avatar_image_id, "Image", "avatarImageId", errors),
        estate_id=decode_id(input.estate_id, "Estate", "estateId", errors),
        interest_tag_ids=tag_ids,
    )


async def update_profile(
    info: Info[Context, Any], input: UpdateProfileInput
) -> UpdateProfileResult:
    member = logged_in(info)
    errors: list[FieldError] = []
    changes = _changes(input, errors)
    try:
        if errors:
            raise InvalidInputError(errors)
        member = await services.update_profile(info.context.collaborators, member, changes)
    except DomainError as error:
        return as_user_error(error, UpdateProfileResult)
    return UpdateProfileSuccess(viewer=Viewer(model=member))
