"""Demo product catalogue: a handful of the brand's products with photos, and published posts
about coffee, tomatoes and baking tagged with them by their authors — all through the real
services."""

from __future__ import annotations

import random

from demo import photos
from domain.collaborators import Collaborators
from domain.errors import DomainError
from domain.identity.models import Member, Role
from domain.media.services import upload_image
from domain.posts.models import Post, PostStatus
from domain.products import services

# (SKU, name, price in fen, words of a post title it suits)
DEMO_PRODUCTS: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    ("COF-YJ-200", "耶加雪菲咖啡豆 200g", 6800, ("咖啡", "手冲")),
    ("COF-GE-10", "隅田川挂耳咖啡（10包）", 3990, ("咖啡", "拿铁")),
    ("SEED-TOM-01", "樱桃番茄种子", 990, ("番茄", "阳台", "种")),
    ("SOIL-10L", "阳台种菜营养土 10L", 2590, ("阳台", "种", "花")),
    ("FLR-ORG-1K", "有机高筋面粉 1kg", 2290, ("面包", "吐司", "烘焙", "饺子", "面")),
    ("EGG-30", "散养土鸡蛋 30枚", 4580, ("鸡蛋", "蛋")),
)
# Each product's photo is drawn like the demo's posts: coffee as a latte, seeds and soil as a
# balcony planter, flour as bread, eggs as a dish.
PICTURES = {
    "COF-YJ-200": photos.latte,
    "COF-GE-10": photos.latte,
    "SEED-TOM-01": photos.planter,
    "SOIL-10L": photos.planter,
    "FLR-ORG-1K": photos.bread,
    "EGG-30": photos.dish,
}
TAGGED_POSTS = 40


async def seed_products_demo(c: Collaborators, seed: int = 20261121) -> dict[str, int]:
    """Runs after the posts exist; returns what it made."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    admin = next(m for m in await Member.all().order_by("id") if m.has_role(Role.ADMIN))
    for sku, name, price, _ in DEMO_PRODUCTS:
        data = PICTURES[sku](rng)

        async def read_file(limit: int, data: bytes = data) -> bytes:
            return data[:limit]

        image = await upload_image(c, c.images, admin, read_file)
        await services.create_product(c, admin, services.NewProduct(sku, name, price, image.id))
    return {"products": len(DEMO_PRODUCTS), "tagged": await _tag_posts(c, rng)}


async def _tag_posts(c: Collaborators, rng: random.Random) -> int:
    """Published posts whose titles speak of a product's words get it (one to three products),
    the latest first: authors tag what they share now, and the dashboard credits this month's and
    last month's orders to the posts their buyers saw."""
    posts = (
        await Post.filter(status=PostStatus.PUBLISHED)
        .order_by("-published_at", "-id")
        .select_related("author")
    )
    tagged = 0
    for post in posts:
        fitting = [sku for sku, _, _, words in DEMO_PRODUCTS if any(w in post.title for w in words)]
        if not fitting:
            continue
        chosen = rng.sample(fitting, min(len(fitting), rng.randint(1, 3)))
        try:
            await services.tag_post_products(c, post.author, post.id, chosen)
        except DomainError:  # an author suspended in the demo: their posts stay untagged
            continue
        tagged += 1
        if tagged == TAGGED_POSTS:
            break
    return tagged
