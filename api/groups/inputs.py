"""The group values the back office's createGroup and updateGroup take, and the answer both give:
the group with its hosts."""

from __future__ import annotations

import strawberry

from api.groups.types import InterestGroup
from domain.errors import FieldError, InvalidInputError
from domain.groups import models
from domain.groups.admin import GroupInput
from web.ids import decode_id


def group_input(
    name: str,
    slug: str,
    description: str,
    estate_id: strawberry.ID | None,
    cover_image_id: strawberry.ID | None,
    errors: list[FieldError],
) -> GroupInput:
    """The domain's input; an id of the wrong kind is a field error in ``errors``."""
    return GroupInput(
        name=name,
        slug=slug,
        description=description,
        estate_id=decode_id(estate_id, "Estate", "estateId", errors),
        cover_image_id=decode_id(cover_image_id, "Image", "coverImageId", errors),
    )


def raise_if_any(errors: list[FieldError]) -> None:
    if errors:
        raise InvalidInputError(errors)


async def group_answer(group_id: int) -> InterestGroup:
    """The group as the back office shows it after a change (lead host loaded)."""
    group = await models.InterestGroup.get(id=group_id).select_related("host")
    return InterestGroup.from_model(group, is_member=False)
