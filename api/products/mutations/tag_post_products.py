"""tagPostProducts: the author sets the products a post shows, by SKU."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    InvalidInput,
    NotFound,
    TooManyProducts,
    UnknownProducts,
    as_user_error,
)
from api.permissions import logged_in
from api.products.types import Product, TagPostProductsSuccess
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.products import queries, services
from web.ids import decode_id

TagPostProductsResult = Annotated[
    TagPostProductsSuccess | NotFound | UnknownProducts | TooManyProducts | InvalidInput,
    strawberry.union("TagPostProductsResult", description="The outcome of `tagPostProducts`."),
]


async def tag_post_products(
    info: Info[Context, Any], post_id: strawberry.ID, skus: list[str]
) -> TagPostProductsResult:
    author = logged_in(info)
    errors: list[FieldError] = []
    pk = decode_id(post_id, "Post", "postId", errors)
    try:
        if errors or pk is None:
            raise InvalidInputError(errors)
        await services.tag_post_products(info.context.collaborators, author, pk, skus)
    except DomainError as error:
        return as_user_error(error, TagPostProductsResult)
    found = await queries.products_by_post([pk])  # with their images
    return TagPostProductsSuccess(products=[Product.from_model(p) for p in found[pk]])
