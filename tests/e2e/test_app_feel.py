"""On a phone: 回到顶部 appears down a long feed and brings the reader back up; the share form's
draft is saved as the neighbour types and is there again after the page is reloaded."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from domain.collaborators import Collaborators
from domain.posts.models import ShareDraft
from tests.e2e.test_mall import log_in
from tests.portal.test_posts_pages import published, veteran

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}


async def test_back_to_top_shows_down_a_long_feed_and_scrolls_up(
    page: Page, live_server: str, collaborators: Collaborators
) -> None:
    for n in range(24):  # several authors: one may post only so often
        await published(collaborators, await veteran(collaborators), title=f"第{n}篇阳台日记")
    await log_in(page, live_server, await veteran(collaborators, display_name="阳台园丁"))
    to_top = page.locator("#to-top")
    await expect(to_top).to_be_hidden()

    await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    await expect(page.locator(".post-card")).to_have_count(20)  # the next page came in
    await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    await expect(to_top).to_be_visible()
    await page.emulate_media(reduced_motion="reduce")  # back up at once, not smoothly
    await to_top.click()

    await expect(to_top).to_be_hidden()
    assert await page.evaluate("window.scrollY") == 0


async def test_the_share_form_brings_back_what_was_typed_after_a_reload(
    page: Page, live_server: str, collaborators: Collaborators
) -> None:
    member = await veteran(collaborators, display_name="面包师傅")
    await log_in(page, live_server, member)
    await page.goto(f"{live_server}/share")

    await page.fill("#f-title", "周末的酸面包")
    await page.locator("#f-body").press_sequentially("第一次养酵种")
    await expect(page.locator("#draft-status")).to_have_text("草稿已保存", timeout=10_000)
    await page.reload()

    await expect(page.locator("#draft-restored")).to_be_visible()
    await expect(page.locator("#f-title")).to_have_value("周末的酸面包")
    await expect(page.locator("#f-body")).to_have_value("第一次养酵种")
    assert (await ShareDraft.get(member_id=member.id)).content["values"]["title"] == "周末的酸面包"
