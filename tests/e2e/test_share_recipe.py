"""A neighbour shares a recipe with a photo on a phone; it waits for review, a moderator approves
it in the queue, it shows in the feed and the author earns the recipe's 20 points."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image as PillowImage
from playwright.async_api import Page, expect

from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.points.models import PointsAccount
from domain.posts.models import Post, PostImage, PostStatus
from tests.e2e.conftest import log_out
from tests.e2e.test_mall import log_in
from tests.factories import make_member

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}


async def points_of(member: Member) -> int:
    account = await PointsAccount.get_or_none(member_id=member.id)
    return account.balance if account else 0


async def fill_recipe(page: Page, photo: Path) -> None:
    await page.select_option("#f-kind", "RECIPE")
    await page.fill("#f-title", "番茄炒蛋")
    await page.fill("#f-body", "家常味道，十分钟就好，酸甜下饭。")
    await page.fill("#f-servings", "2")
    await page.fill("#f-minutes", "15")
    await page.get_by_role("button", name="添加用料").click()
    await expect(page.locator(".ingredient-row")).to_have_count(2)
    for n, (name, amount) in enumerate([("番茄", "2 个"), ("鸡蛋", "3 个")]):
        row = page.locator(".ingredient-row").nth(n)
        await row.locator("input[name=ingredientName]").fill(name)
        await row.locator("input[name=ingredientAmount]").fill(amount)
    await page.get_by_role("button", name="添加步骤").click()
    await page.get_by_role("button", name="添加步骤").click()
    await expect(page.locator(".step-row")).to_have_count(3)
    await page.locator(".step-row").nth(2).get_by_role("button", name="删除").click()
    await expect(page.locator(".step-row")).to_have_count(2)
    await page.locator(".step-row textarea").nth(0).fill("番茄切块，鸡蛋打散")
    await page.locator(".step-row textarea").nth(1).fill("先炒蛋，再炒番茄，合炒出锅")
    await page.set_input_files("#f-photo", str(photo))
    await expect(page.locator("#photo-previews figure img")).to_have_count(1)
    await expect(page.locator("#photo-previews input[name=imageIds]")).to_have_count(1)


async def test_a_shared_recipe_waits_for_review_then_shows_in_the_feed_with_points(
    page: Page, live_server: str, collaborators: Collaborators, tmp_path: Path
) -> None:
    author = await make_member(display_name="番茄阿姨")
    await Member.filter(id=author.id).update(
        created_at=collaborators.clock.now() - timedelta(days=30)
    )
    moderator = await make_member(display_name="审核员", roles=(Role.RESIDENT, Role.MODERATOR))
    photo = tmp_path / "tomato.jpg"
    PillowImage.new("RGB", (120, 90), (200, 60, 40)).save(photo, "JPEG")

    await log_in(page, live_server, author)
    await page.goto(f"{live_server}/share")
    await fill_recipe(page, photo)
    await page.get_by_role("button", name="提交", exact=True).click()

    await expect(page).to_have_url(re.compile(r"/my/posts\?notice=pending$"))
    await expect(page.locator(".notice")).to_have_text("已提交，等待审核")
    await expect(page.locator(".mine-row .status")).to_have_text("待审核")
    post = await Post.get(author_id=author.id)
    assert (
        post.status == PostStatus.PENDING and await PostImage.filter(post_id=post.id).count() == 1
    )
    assert await points_of(author) == 0

    await log_out(page)
    await log_in(page, live_server, moderator)
    await page.goto(f"{live_server}/moderation")
    card = page.locator(f"#mod-{post.id}")
    await expect(card).to_contain_text("番茄炒蛋")
    await card.get_by_role("button", name="通过", exact=True).click()
    await expect(page.locator(f"#mod-{post.id} .status")).to_have_text("已发布")

    await page.goto(live_server)
    feed_card = page.locator(f"#post-{post.id}")
    await expect(feed_card).to_contain_text("番茄炒蛋")
    await expect(feed_card.locator("img.cover")).to_have_count(1)
    assert (await Post.get(id=post.id)).status == PostStatus.PUBLISHED
    assert await points_of(author) == 20
