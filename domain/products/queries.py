"""Catalogue reads shared by GraphQL and the portal: the product list with search, products by
SKU, and the products of a page of posts in one statement."""

from __future__ import annotations

from collections import defaultdict

from tortoise.expressions import Q

from domain.products import rules
from domain.products.models import PostProduct, Product
from domain.products.rules import clean_sku


async def products_page(
    search: str, after_id: int | None, first: int, *, active_only: bool = True
) -> list[Product]:
    """Products whose name or SKU contains ``search``, by name order of creation; ``first + 1``
    rows so the caller knows whether there is a next page. Images are loaded with them."""
    query = Product.all()
    if active_only:
        query = query.filter(active=True)
    term = search.strip()
    if term:
        query = query.filter(Q(name__icontains=term) | Q(sku__icontains=term))
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return list(await query.order_by("id").limit(first + 1).select_related("image"))


async def get_product(product_id: int) -> Product | None:
    """Any product, inactive ones too (the back office), with its image."""
    return await Product.filter(id=product_id).select_related("image").first()


async def products_by_sku(skus: list[str]) -> dict[str, Product]:
    """The catalogue's products among ``skus`` (compared as ``rules.clean_sku``), one statement."""
    wanted = sorted({clean_sku(s) for s in skus if rules.looks_like_sku(s)})
    if not wanted:
        return {}
    return {p.sku: p for p in await Product.filter(sku__in=wanted).select_related("image")}


async def products_by_post(post_ids: list[int]) -> dict[int, list[Product]]:
    """Each post's tagged products in the author's order, with their images: one statement for
    a whole page of posts."""
    if not post_ids:
        return {}
    tags = (
        await PostProduct.filter(post_id__in=post_ids)
        .order_by("post_id", "position")
        .select_related("product__image")
    )
    found: dict[int, list[Product]] = defaultdict(list)
    for tag in tags:
        found[tag.post_id].append(tag.product)
    return {post_id: found.get(post_id, []) for post_id in post_ids}


async def products_with_images(product_ids: list[int]) -> list[Product]:
    """The products of ``product_ids`` with their images, one statement."""
    return list(await Product.filter(id__in=product_ids).select_related("image"))


async def chosen_products(skus: list[str]) -> list[Product]:
    """The products of ``skus`` in that order, each once, leaving out unknown ones: the chips a
    form shows again."""
    found = await products_by_sku(skus)
    ordered = dict.fromkeys(clean_sku(s) for s in skus)
    return [found[s] for s in ordered if s in found]


async def products_in_items(items: list[str]) -> list[Product]:
    """The catalogue's products among an order's items (``Purchase.items``): an item that is a
    known SKU is that product; other items (free-text names) are not matched. One statement."""
    candidates = [item for item in items if rules.looks_like_sku(item)]
    found = await products_by_sku(candidates)
    ordered = dict.fromkeys(clean_sku(item) for item in candidates)
    return [found[sku] for sku in ordered if sku in found]
