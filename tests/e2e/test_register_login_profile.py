"""A resident joins, logs out, logs back in and edits their profile, on a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from domain.identity.models import Member, MemberInterestTag
from tests.e2e.conftest import log_out
from tests.factories import make_estate, make_tag

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}


async def test_a_resident_registers_logs_in_again_and_edits_their_profile(
    page: Page, live_server: str
) -> None:
    estate = await make_estate("翠湖花园")
    await make_tag("手冲爱好者")

    await page.goto(f"{live_server}/register")
    await page.fill("#f-phone", "12345")
    await page.fill("#f-password", "neighbour-2026")
    await expect(page.locator("#msg-phone")).to_contain_text("11位")  # inline check on change
    await page.fill("#f-phone", "13812345678")
    await page.fill("#f-displayName", "邻居小王")
    await page.select_option("#f-estateId", str(estate.id))
    await page.click("#register-form button[type=submit]")
    await expect(page.locator("#msg-acceptPrivacyPolicy")).to_contain_text("隐私政策")
    await page.fill("#f-password", "neighbour-2026")  # never echoed back into the form
    await page.check("input[name=acceptPrivacyPolicy]")
    await page.click("#register-form button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/profile$"))
    await expect(page.locator("h1")).to_have_text("我的资料")

    await log_out(page)
    await page.goto(f"{live_server}/login")
    await page.fill("#f-phone", "13812345678")
    await page.fill("#f-password", "neighbour-2026")
    await page.click("#login-form button[type=submit]")
    await expect(page.locator("h1")).to_contain_text("你好，邻居小王")

    await page.goto(f"{live_server}/profile")
    await page.fill("#f-displayName", "咖啡邻居")
    await page.click("label.tag >> text=手冲爱好者")
    await page.click("#profile-form button[type=submit]")
    await expect(page.locator(".notice")).to_have_text("已保存")

    member = await Member.get(phone="13812345678")
    assert member.display_name == "咖啡邻居" and member.estate_id == estate.id
    assert await MemberInterestTag.filter(member=member).count() == 1
