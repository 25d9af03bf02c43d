"""On a 390 px phone: the bottom tab bar is on every resident page and no page scrolls sideways —
a resident's pages and, for an admin, every staff page; the 我的 page leads to each place."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from domain.collaborators import Collaborators
from domain.identity.models import Role
from portal.navigation import STAFF_LINKS
from tests.api.test_posts_api import make_post
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.e2e.test_host_console import logged_in_as
from tests.factories import make_estate, make_member

pytestmark = pytest.mark.browser

RESIDENT_PAGES = (
    "/",
    "/groups",
    "/events",
    "/mall",
    "/campaigns",
    "/share",
    "/notifications",
    "/notifications/preferences",
    "/me",
    "/points",
    "/redemptions",
    "/my/posts",
    "/invite",
    "/profile",
    "/search?q=番茄",
    "/me/data",
    "/privacy",
    "/about",
)
ADMIN_PAGES = (
    "/admin/estates",
    "/admin/groups",
    "/admin/members",
    "/admin/settings",
    "/admin/tags",
    "/admin/badges",
    "/admin/safety",
    "/admin/webhooks",
    "/admin/privacy",
    "/admin/brand",
    "/moderation/audit",
)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}


async def sideways(page: Page) -> int:
    """How far the page scrolls sideways (0: it fits the phone)."""
    width: int = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


async def test_every_resident_page_has_the_tab_bar_and_fits_the_phone(
    page: Page, live_server: str, collaborators: Collaborators
) -> None:
    estate = await make_estate()
    resident = await make_member(display_name="番茄爱好者", estate=estate)
    host = await make_host()
    group = await make_group(host)
    event = await make_event(collaborators, group)
    post = await make_post(
        collaborators, resident, "阳台上的第一颗番茄终于红了，分享一下种植心得", group=group
    )
    pages = (*RESIDENT_PAGES, f"/groups/{group.slug}", f"/events/{event.id}", f"/posts/{post.id}")
    await logged_in_as(page, live_server, resident)
    overflowing: dict[str, int] = {}
    for path in pages:
        response = await page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, path
        await expect(page.locator("#tabbar")).to_be_visible()
        if (extra := await sideways(page)) > 0:
            overflowing[path] = extra
    assert overflowing == {}

    await page.goto(f"{live_server}/")
    await page.locator("#tabbar a[href='/me']").click()
    await expect(page.locator("#tabbar a[href='/me']")).to_have_attribute("aria-current", "page")
    for place in ("/points", "/redemptions", "/my/posts", "/invite", "/profile", "/me/data"):
        await expect(page.locator(f"main a[href='{place}']").first).to_be_visible()
    await expect(page.locator("#check-in")).to_be_visible()
    await expect(page.locator("#me-manage")).to_have_count(0)


async def test_an_admin_finds_every_staff_page_from_me_and_none_scrolls_sideways(
    page: Page, live_server: str
) -> None:
    estate = await make_estate("云栖苑")
    admin = await make_member(
        display_name="运营小李", estate=estate, roles=(Role.RESIDENT, Role.ADMIN)
    )
    await logged_in_as(page, live_server, admin)
    await page.goto(f"{live_server}/me")
    manage = page.locator("#me-manage")
    await expect(manage).to_be_visible()
    for link in STAFF_LINKS:
        await expect(manage.locator(f"a[href='{link.href}']")).to_be_visible()
    overflowing: dict[str, int] = {}
    for path in (*(link.href for link in STAFF_LINKS), *ADMIN_PAGES):
        response = await page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, path
        await expect(page.locator("#tabbar")).to_be_visible()
        if (extra := await sideways(page)) > 0:
            overflowing[path] = extra
    assert overflowing == {}
