"""The catalogue on PostgreSQL: its CHECK constraints, and racing itself with separate connections
(two admins adding the same SKU at once, an author tagging a post twice at once)."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.exceptions import IntegrityError

from domain.collaborators import Collaborators
from domain.posts.models import AuditLogEntry
from domain.products import services as products
from domain.products.errors import DuplicateSkuError
from domain.products.models import PostProduct, Product
from tests.api.test_posts_api import make_post
from tests.domain.products_helpers import make_admin, make_product
from tests.factories import make_member

pytestmark = pytest.mark.postgres_only


async def test_two_admins_adding_the_same_sku_at_once_make_one_product(
    collaborators: Collaborators,
) -> None:
    admins = [await make_admin() for _ in range(4)]
    new = products.NewProduct("COF-001", "云南小粒咖啡豆", 5900)
    results = await asyncio.gather(
        *(products.create_product(collaborators, a, new) for a in admins),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, Product)]
    refused = [r for r in results if isinstance(r, DuplicateSkuError)]
    assert (len(made), len(refused)) == (1, 3), results
    assert await Product.filter(sku="COF-001").count() == 1
    assert await AuditLogEntry.filter(action="PRODUCT_CREATED").count() == 1


async def test_an_author_tagging_a_post_twice_at_once_ends_with_one_of_the_two_lists(
    collaborators: Collaborators,
) -> None:
    for sku in ("A-1", "B-1", "C-1"):
        await make_product(collaborators, sku)
    author = await make_member()
    post = await make_post(collaborators, author)
    await asyncio.gather(
        products.tag_post_products(collaborators, author, post.id, ["A-1", "B-1"]),
        products.tag_post_products(collaborators, author, post.id, ["C-1", "A-1"]),
    )
    tags = await PostProduct.filter(post_id=post.id).order_by("position").select_related("product")
    assert [t.product.sku for t in tags] in (["A-1", "B-1"], ["C-1", "A-1"])


async def test_postgres_refuses_a_negative_price_or_a_sixth_tag_written_past_the_services(
    collaborators: Collaborators,
) -> None:
    now = collaborators.clock.now()
    with pytest.raises(IntegrityError):
        await Product.create(
            sku="BAD-1", name="坏价格", price_fen=-1, created_at=now, updated_at=now
        )
    product = await make_product(collaborators, "OK-1")
    post = await make_post(collaborators, await make_member())
    with pytest.raises(IntegrityError):
        await PostProduct.create(post_id=post.id, product=product, position=5)
    assert await Product.filter(sku="BAD-1").count() == 0
