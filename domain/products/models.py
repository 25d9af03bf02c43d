"""The brand's product catalogue, and the products a post is tagged with (UGC to purchase)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.media.models import Image
    from domain.posts.models import Post


class Product(Model):
    """A product of the brand's mall, known by its SKU, priced in fen (1/100 yuan)."""

    id = fields.IntField(primary_key=True)
    sku = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=60)
    image: fields.ForeignKeyNullableRelation[Image] = fields.ForeignKeyField(
        "linli.Image", related_name="products", null=True, on_delete=fields.SET_NULL
    )
    price_fen = fields.IntField()
    # Inactive: no longer offered for tagging; posts tagged before keep showing it.
    active = fields.BooleanField(default=True, db_index=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    image_id: int | None

    class Meta:
        table = "product"


class PostProduct(Model):
    """A product a post is tagged with, in the author's order."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "linli.Post", related_name="product_tags", on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "linli.Product", related_name="post_tags", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    post_id: int
    product_id: int

    class Meta:
        table = "post_product"
        unique_together = (("post", "product"),)
        indexes = (("product_id", "post_id"),)
