"""An author has a page open on their phone while their post waits for review; a moderator
approves it in the moderation queue, the author's bell counts it without a reload (server-sent
events), and the bell leads to the notification, which leads to the post. Then a neighbour's
comment through the portal rings it again, named."""

from __future__ import annotations

from dataclasses import replace

import pytest
from playwright.async_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

from domain.clock import Clock
from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.notifications.models import Notification, NotificationKind
from domain.posts import services as posts
from domain.posts.models import PostStatus
from tests.domain.test_posts import story
from tests.domain.test_posts import veteran as seasoned
from tests.e2e.conftest import log_out
from tests.e2e.test_mall import log_in
from tests.factories import make_member

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


async def _phone(browser: Browser) -> BrowserContext:
    return await browser.new_context(viewport=PHONE, locale="zh-CN")


async def _named(c: Collaborators, name: str) -> Member:
    member = await seasoned(c)
    await Member.filter(id=member.id).update(display_name=name)
    return await Member.get(id=member.id)


async def _wait_for_the_bell(page: Page, url: str) -> Locator:
    await page.goto(url)
    count = page.locator("#bell [data-unread-count]")
    await expect(count).to_be_hidden()
    await page.wait_for_timeout(300)  # the EventSource is connected
    return count


async def test_an_approval_rings_the_authors_bell_and_the_bell_leads_to_the_post(
    browser: Browser, live_server: str, collaborators: Collaborators
) -> None:
    c = replace(collaborators, clock=Clock())  # the live server runs on the wall clock
    author, neighbour = await _named(c, "番茄妈妈"), await _named(c, "小王")
    post = await posts.submit_post(c, author, story(title="阳台番茄大丰收"))
    assert post.status == PostStatus.PENDING
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    author_context, staff_context = await _phone(browser), await _phone(browser)
    try:
        reading, moderating = await author_context.new_page(), await staff_context.new_page()
        await log_in(reading, live_server, author)
        await log_in(moderating, live_server, moderator)
        count = await _wait_for_the_bell(reading, f"{live_server}/points")

        await moderating.goto(f"{live_server}/moderation")
        card = moderating.locator(f"#mod-{post.id}")
        await card.get_by_role("button", name="通过", exact=True).click()
        await expect(moderating.locator(f"#mod-{post.id} .status")).to_have_text("已发布")

        await expect(count).to_have_text("1", timeout=5000)
        await expect(count).to_be_visible()
        assert reading.url == f"{live_server}/points"  # no reload, no navigation

        await reading.click("#bell")
        item = reading.locator(".notification.unread a").first
        await expect(item).to_contain_text("你的《阳台番茄大丰收》已通过审核")
        await item.click()
        await expect(reading.locator("h1")).to_contain_text("阳台番茄大丰收")
        assert reading.url == f"{live_server}/posts/{post.id}"
        await expect(count).to_be_hidden(timeout=5000)  # read now: the stream says 0

        # The neighbour comments through the portal (the live server's process pings the bell).
        commenting = await staff_context.new_page()
        await log_out(moderating)
        await log_in(commenting, live_server, neighbour)
        await commenting.goto(f"{live_server}/posts/{post.id}")
        await commenting.fill("#comment-body", "看起来好好吃，求种子")
        await commenting.click("#comment-form button[type=submit]")
        await expect(commenting.locator("#comment-list")).to_contain_text("求种子")
        await expect(count).to_have_text("1", timeout=5000)
        await reading.click("#bell")
        await expect(reading.locator(".notification.unread a").first).to_contain_text(
            "小王评论了你的《阳台番茄大丰收》"
        )
    finally:
        await author_context.close()
        await staff_context.close()
    rows = await Notification.filter(recipient_id=author.id).order_by("id")
    assert [(r.kind, r.read_at is not None) for r in rows] == [
        (NotificationKind.POST_APPROVED, True),
        (NotificationKind.COMMENT, False),
    ]
