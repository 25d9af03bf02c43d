"""The demo's catalogue: its products with photos, and published posts tagged with products
whose words their titles speak of."""

from __future__ import annotations

from demo import residents
from demo.groups import seed_groups_demo
from demo.posts import seed_posts_demo
from demo.products import DEMO_PRODUCTS, seed_products_demo
from domain.collaborators import Collaborators
from domain.posts.models import Post, PostStatus
from domain.products.models import PostProduct, Product


async def test_the_demo_catalogue_has_photos_and_tagged_posts_that_fit(
    collaborators: Collaborators,
) -> None:
    await residents.seed_demo(collaborators.clock)
    await seed_groups_demo()
    await seed_posts_demo(collaborators)
    made = await seed_products_demo(collaborators)

    assert made["products"] == len(DEMO_PRODUCTS) == await Product.filter(active=True).count()
    assert await Product.filter(image_id__isnull=True).count() == 0
    assert made["tagged"] > 5
    tags = await PostProduct.all().select_related("post", "product")
    assert len({t.post_id for t in tags}) == made["tagged"]
    words = {sku: w for sku, _, _, w in DEMO_PRODUCTS}
    for tag in tags:
        assert tag.post.status == PostStatus.PUBLISHED
        assert any(w in tag.post.title for w in words[tag.product.sku]), tag.post.title
    assert await Post.all().count() == 500
