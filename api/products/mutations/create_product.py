"""createProduct: an admin adds a product to the catalogue."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import DuplicateSku, InvalidInput, as_user_error
from api.permissions import require_role
from api.products.types import CreateProductSuccess, Product
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Role
from domain.products import queries, rules, services
from web.ids import decode_id


@strawberry.input(description="A new product.")
class CreateProductInput:
    sku: str = strawberry.field(
        description="The order system's code: 1–40 letters, digits, `.`, `-` or `_` (stored in "
        "capitals; unique)."
    )
    name: str = strawberry.field(description="1–60 characters.")
    price_fen: int = strawberry.field(description="The price in fen, 0–10,000,000.")
    image_id: strawberry.ID | None = strawberry.field(
        default=None, description="An uploaded image's id (`POST /api/uploads`)."
    )


CreateProductResult = Annotated[
    CreateProductSuccess | DuplicateSku | InvalidInput,
    strawberry.union("CreateProductResult", description="The outcome of `createProduct`."),
]


async def create_product(
    info: Info[Context, Any], input: CreateProductInput
) -> CreateProductResult:
    admin = require_role(info, Role.ADMIN)
    errors: list[FieldError] = []
    new = services.NewProduct(
        sku=input.sku,
        name=input.name,
        price_fen=input.price_fen,
        image_id=decode_id(input.image_id, "Image", "imageId", errors),
    )
    try:
        if errors:
            sku = rules.clean_sku(new.sku)
            raise InvalidInputError([*errors, *rules.product_field_errors(sku, new.name, 0)])
        created = await services.create_product(info.context.collaborators, admin, new)
    except DomainError as error:
        return as_user_error(error, CreateProductResult)
    product = await queries.get_product(created.id)
    assert product is not None  # created above, in this request
    return CreateProductSuccess(product=Product.from_model(product))
