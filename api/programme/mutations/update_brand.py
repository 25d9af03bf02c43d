"""updateBrand: an admin saves the brand's next version (name, about text, logo)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, as_user_error
from api.permissions import require_role
from api.programme.types import Brand
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Role
from domain.programme import brand
from web.ids import decode_id


@strawberry.input(description="The brand's next version.")
class UpdateBrandInput:
    name: str = strawberry.field(description="1–40 characters, shown on every page.")
    about: str | None = strawberry.field(
        default=None,
        description="The about page as plain text, up to 5,000 characters; omitted keeps it.",
    )
    logo_image_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An `Image` the admin uploaded (`POST /api/uploads`) as the new logo; "
        "omitted keeps the current logo.",
    )
    remove_logo: bool = strawberry.field(
        default=False, description="True removes the logo (when no new one is given)."
    )


@strawberry.type(description="Saved: the brand's new version shows everywhere.")
class UpdateBrandSuccess:
    brand: Brand = strawberry.field(description="The brand as saved.")


UpdateBrandResult = Annotated[
    UpdateBrandSuccess | InvalidInput,
    strawberry.union(
        "UpdateBrandResult",
        description="The outcome of `updateBrand`: `InvalidInput` with the field `name` for a "
        "blank name or one over 40 characters, `about` over 5,000 characters, `logoImageId` for "
        "an image that is not the admin's upload.",
    ),
]


async def update_brand(info: Info[Context, Any], input: UpdateBrandInput) -> UpdateBrandResult:
    actor = require_role(info, Role.ADMIN)
    try:
        errors: list[FieldError] = []
        logo_id = decode_id(input.logo_image_id, "Image", "logoImageId", errors)
        if errors:
            raise InvalidInputError(errors)
        row = await brand.update_brand(
            info.context.collaborators,
            actor,
            input.name,
            input.about,
            logo_id,
            remove_logo=input.remove_logo,
        )
    except DomainError as error:
        return as_user_error(error, UpdateBrandResult)
    return UpdateBrandSuccess(brand=Brand.from_view(brand.Brand.from_model(row)))
