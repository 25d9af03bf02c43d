"""A neighbour tags a share with products on a phone: the search finds them, a tap adds a chip, a
chip can be removed, and the post page shows the chosen ones as cards linking to the mall."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.posts.models import Post
from domain.products.models import PostProduct
from tests.domain.products_helpers import make_product
from tests.e2e.test_mall import log_in
from tests.factories import make_member

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}


async def test_a_share_tagged_with_products_shows_them_as_cards(
    page: Page, live_server: str, collaborators: Collaborators
) -> None:
    await make_product(collaborators, "SEED-TOM-01", "樱桃番茄种子", 990)
    await make_product(collaborators, "SOIL-10L", "阳台种菜营养土", 2590)
    await make_product(collaborators, "COF-YJ-200", "耶加雪菲咖啡豆", 6800)
    author = await make_member(display_name="番茄阿姨")
    await Member.filter(id=author.id).update(
        created_at=collaborators.clock.now() - timedelta(days=30)
    )

    await log_in(page, live_server, author)
    await page.goto(f"{live_server}/share")
    await page.select_option("#f-kind", "STORY")
    await page.fill("#f-title", "阳台番茄第一茬")
    await page.fill("#f-body", "三月播种，五月就吃上了，分享一下用的种子和土。")
    for search, name in (
        ("番茄", "樱桃番茄种子"),
        ("营养土", "阳台种菜营养土"),
        ("咖啡", "耶加雪菲"),
    ):
        await page.fill("#f-product-q", search)
        await page.locator("#product-results button", has_text=name).click()
    chips = page.locator("#product-chips .product-chip")
    await expect(chips).to_have_count(3)
    await chips.filter(has_text="耶加雪菲").get_by_role("button").click()
    await expect(chips).to_have_count(2)
    await page.get_by_role("button", name="提交", exact=True).click()

    await expect(page).to_have_url(re.compile(r"/my/posts\?notice="))
    post = await Post.get(author_id=author.id)
    assert await PostProduct.filter(post_id=post.id).count() == 2
    await page.goto(f"{live_server}/posts/{post.id}")
    cards = page.locator(".product-card")
    await expect(cards).to_have_count(2)
    await expect(cards.nth(0)).to_contain_text("樱桃番茄种子")
    await expect(cards.nth(0)).to_contain_text("¥9.90")
    await expect(cards.nth(1).locator("a")).to_have_attribute("href", "/mall?sku=SOIL-10L")
