"""The catalogue's mutation root fields: the back office's products, and a post's products."""

from __future__ import annotations

import strawberry

from api.permissions import IsAuthenticated
from api.products.mutations.create_product import CreateProductResult, create_product
from api.products.mutations.tag_post_products import TagPostProductsResult, tag_post_products
from api.products.mutations.update_product import UpdateProductResult, update_product


@strawberry.type
class ProductsMutation:
    create_product: CreateProductResult = strawberry.mutation(
        resolver=create_product, description="Admins: add a product to the catalogue (audited)."
    )
    update_product: UpdateProductResult = strawberry.mutation(
        resolver=update_product,
        description="Admins: change a product's name, price or picture, or deactivate it "
        "(audited; a change to what it already is changes nothing).",
    )
    tag_post_products: TagPostProductsResult = strawberry.mutation(
        resolver=tag_post_products,
        description="The author: the products the post shows, by SKU in this order (up to 5; an "
        "empty list removes them), while the post is waiting or published.",
        permission_classes=[IsAuthenticated],
    )
