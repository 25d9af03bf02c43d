"""updateProduct: an admin changes a product's name, price or picture, or (de)activates it."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.permissions import require_role
from api.products.types import Product, UpdateProductSuccess
from domain.edits import KEEP, Keep
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Role
from domain.products import queries, services
from web.ids import decode_id


@strawberry.input(
    description="The product and what changes; a field left out stays as it is. The SKU never "
    "changes."
)
class UpdateProductInput:
    product_id: strawberry.ID = strawberry.field(description="The product (`Product.id`).")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1–60 characters.")
    price_fen: int | None = strawberry.field(
        default=strawberry.UNSET, description="The price in fen, 0–10,000,000."
    )
    image_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="An image the admin uploaded (`POST /api/uploads`); null removes the picture.",
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="False deactivates it (no new tags; tagged posts keep it), true offers it "
        "again.",
    )


UpdateProductResult = Annotated[
    UpdateProductSuccess | NotFound | InvalidInput,
    strawberry.union("UpdateProductResult", description="The outcome of `updateProduct`."),
]


def _kept(value: Any) -> Any:
    """Left out, or null where null means nothing (a name, a price): the field stays."""
    return KEEP if value is strawberry.UNSET or value is None else value


def _changes(input: UpdateProductInput, errors: list[FieldError]) -> services.ProductChanges:
    image_id: int | Keep | None = KEEP
    if input.image_id is not strawberry.UNSET:
        image_id = decode_id(input.image_id, "Image", "imageId", errors)
    return services.ProductChanges(
        name=_kept(input.name),
        price_fen=_kept(input.price_fen),
        image_id=image_id,
        active=_kept(input.active),
    )


async def update_product(
    info: Info[Context, Any], input: UpdateProductInput
) -> UpdateProductResult:
    admin = require_role(info, Role.ADMIN)
    errors: list[FieldError] = []
    product_id = decode_id(input.product_id, "Product", "productId", errors)
    changes = _changes(input, errors)
    try:
        if errors or product_id is None:
            raise InvalidInputError(errors)
        await services.update_product(info.context.collaborators, admin, product_id, changes)
    except DomainError as error:
        return as_user_error(error, UpdateProductResult)
    product = await queries.get_product(product_id)
    assert product is not None  # changed above, in this request
    return UpdateProductSuccess(product=Product.from_model(product))
