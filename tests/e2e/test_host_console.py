"""On a 390 px phone: a host tags a member of their group from the console without a reload and
nothing overflows sideways; a member answers the NPS question from the points page."""

from __future__ import annotations

import json
from base64 import b64encode
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner
from playwright.async_api import Page, expect

from domain.groups.models import GroupMembership
from domain.identity.models import Member, MemberInterestTag, TokenKind
from domain.identity.tokens import issue_token
from domain.segments.models import NpsResponse
from tests.domain.events_helpers import make_group, make_host
from tests.factories import make_member, make_tag

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}


async def logged_in_as(page: Page, live_server: str, member: Member) -> None:
    """A portal session cookie as logging in leaves it (signed with the live server's key).
    Logging in through the form here would spend the live server's per-IP login limit, which
    the other browser tests need."""
    raw = await issue_token(
        member, TokenKind.SESSION, timedelta(hours=1), datetime.now(UTC), family="portal"
    )
    data = b64encode(json.dumps({"member_session": raw}).encode())
    cookie = TimestampSigner("live-server-test-secret").sign(data).decode()
    await page.context.add_cookies([{"name": "linli_session", "value": cookie, "url": live_server}])


async def _fits_the_phone(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


async def test_a_host_tags_a_member_in_place_on_a_phone(page: Page, live_server: str) -> None:
    host = await make_host("阿哲")
    group = await make_group(host)
    member = await make_member(display_name="王阿姨")
    await GroupMembership.create(group=group, member=member, joined_at=datetime.now(UTC))
    await make_tag("阳台种菜")
    tag = await make_tag("手冲爱好者")
    await logged_in_as(page, live_server, host)

    await page.goto(f"{live_server}/host")
    await expect(page.locator("h1")).to_have_text("主理人后台")
    row = page.locator(f"#host-member-{group.id}-{member.id}")
    await expect(row).to_contain_text("王阿姨")
    await _fits_the_phone(page)
    await page.evaluate("window.linliNoReload = true")
    await row.locator("select").select_option(str(tag.id))
    await row.get_by_role("button", name="加标签").click()
    await expect(page.locator(f"#host-member-{group.id}-{member.id} .tag-chip")).to_contain_text(
        "手冲爱好者"
    )
    assert await page.evaluate("window.linliNoReload") is True
    link = await MemberInterestTag.get(member_id=member.id)
    assert (link.tag_id, link.added_by_id) == (tag.id, host.id)
    await _fits_the_phone(page)


async def test_a_member_answers_the_nps_question_on_the_points_page(
    page: Page, live_server: str
) -> None:
    member = await make_member(display_name="小王")
    await logged_in_as(page, live_server, member)
    await page.goto(f"{live_server}/points")
    await expect(page.locator("#my-standing")).to_contain_text("你有多大可能把邻里推荐给朋友？")
    await _fits_the_phone(page)
    await page.locator(".nps-choice", has_text="9").last.click()
    await page.fill("#nps-comment", "团长很用心")
    await page.get_by_role("button", name="提交").click()
    await expect(page.locator("#nps")).to_contain_text("谢谢你")
    answer = await NpsResponse.get(member_id=member.id)
    assert (answer.score, answer.comment) == (9, "团长很用心")
