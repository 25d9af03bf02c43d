"""GraphQL types of the product catalogue: products and the results of their mutations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.rewards.types import Image
from domain.products import models, queries, rules


@strawberry.type(description="A product of the brand's mall (商品), known by its SKU.")
class Product(relay.Node):
    id: relay.NodeID[int]
    sku: str = strawberry.field(description="The order system's product code, in capitals.")
    name: str = strawberry.field(description="The product's name.")
    price_fen: int = strawberry.field(description="The price in fen (1/100 yuan).")
    active: bool = strawberry.field(
        description="Offered for tagging; false once the operators deactivated it (posts tagged "
        "before keep showing it)."
    )
    model: strawberry.Private[models.Product]

    @classmethod
    def from_model(cls, product: models.Product) -> Product:
        """``product`` with its image fetched."""
        return cls(
            id=product.id,
            sku=product.sku,
            name=product.name,
            price_fen=product.price_fen,
            active=product.active,
            model=product,
        )

    @field(description="The price as written after ¥, e.g. `59.00`.")
    def price(self) -> str:
        return rules.yuan(self.model.price_fen)

    @field(
        description="The product's page in the brand's mall (`PRODUCT_URL_TEMPLATE`, a web "
        "address or a mini-program page path)."
    )
    def url(self, info: Info[Context, Any]) -> str:
        template = info.context.collaborators.settings.product_url_template
        return rules.product_url(template, self.model.sku)

    @field(description="The product's picture; null when it has none.")
    def image(self, info: Info[Context, Any]) -> Image | None:
        image = self.model.image
        if image is None:
            return None
        url = info.context.collaborators.images.url(image.storage_key)
        return Image(url=url, width=image.width, height=image.height)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Product | None]:
        ids = [int(i) for i in node_ids]
        found = {p.id: p for p in await queries.products_with_images(ids)}
        return [cls.from_model(found[i]) if i in found else None for i in ids]


@strawberry.type(description="Products, oldest first.")
class ProductConnection(relay.Connection[Product]):
    pass


@strawberry.type(description="The product is in the catalogue.")
class CreateProductSuccess:
    product: Product = strawberry.field(description="The new product.")


@strawberry.type(description="The product was changed (or already was as asked).")
class UpdateProductSuccess:
    product: Product = strawberry.field(description="The product as it is now.")


@strawberry.type(description="The post now carries these products, in this order.")
class TagPostProductsSuccess:
    products: list[Product] = strawberry.field(description="The post's products.")
