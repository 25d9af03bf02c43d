"""A resident redeems a reward in the points mall on a phone: everything updates in place, a double
click redeems once, and the pickup code shows with its QR code; then a daily check-in."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Dialog, Page, expect

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.points.models import CheckIn, PointsAccount
from domain.points.services import award_points
from domain.rewards.models import Redemption, RedemptionStatus, Reward
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}


async def log_in(page: Page, live_server: str, member: Member) -> None:
    await page.goto(f"{live_server}/login")
    await page.fill("#f-phone", member.phone or "")
    await page.fill("#f-password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await expect(page.locator("h1")).to_contain_text(f"你好，{member.display_name}")


async def test_redeeming_updates_badge_and_stock_in_place_and_a_double_click_redeems_once(
    page: Page, live_server: str, collaborators: Collaborators
) -> None:
    member = await make_member(display_name="番茄爱好者")
    await award_points(collaborators, member.id, "referral", "seed")
    reward = await Reward.create(
        name="有机小番茄",
        description="崇明农场直送，一份 500 克",
        cost_points=30,
        stock=3,
        initial_stock=3,
        created_at=collaborators.clock.now(),
    )
    await log_in(page, live_server, member)

    await page.goto(f"{live_server}/mall")
    badge = page.locator("#points-badge")
    await expect(badge).to_have_text("100 积分")
    await expect(page.locator(f"#stock-{reward.id}")).to_have_text("3")
    mall_url = page.url
    await page.evaluate("window.linliNoReload = true")  # gone if the page reloads

    action = page.locator(f"#reward-{reward.id}-action")
    await action.get_by_text("立即兑换").click()
    confirm = action.locator("form.confirm button[type=submit]")
    await expect(confirm).to_have_text("确认兑换")
    form: dict[str, str | float | bool] = {
        name: await action.locator(f"input[name={name}]").get_attribute("value") or ""
        for name in ("csrf_token", "idempotencyKey")
    }
    await confirm.dblclick()

    await expect(action.locator(".pickup-code")).to_have_text(re.compile(r"^[2-9A-Z]{6}$"))
    await expect(badge).to_have_text("70 积分")
    await expect(page.locator(f"#stock-{reward.id}")).to_have_text("2")
    await expect(page.locator(f"#mine-{reward.id}")).to_have_text("1")
    await expect(page.locator("#mall-balance")).to_have_text("你有 70 积分。")
    assert page.url == mall_url
    assert await page.evaluate("window.linliNoReload") is True
    await page.wait_for_load_state("networkidle")
    assert await Redemption.all().count() == 1
    redemption = await Redemption.get(member_id=member.id)
    assert (await Reward.get(id=reward.id)).stock == 2
    assert (await PointsAccount.get(member_id=member.id)).balance == 70

    # The same form posted again from this browser session (a resubmit) answers with the same code.
    resubmitted = await page.request.post(f"{live_server}/mall/{reward.id}/redeem", form=form)
    assert resubmitted.ok and redemption.pickup_code in await resubmitted.text()
    assert await Redemption.all().count() == 1
    assert (await PointsAccount.get(member_id=member.id)).balance == 70

    await page.click("text=在「我的兑换」中查看")
    card = page.locator(f"#redemption-{redemption.id}")
    await expect(card.locator(".pickup-code")).to_have_text(redemption.pickup_code)
    await expect(card.locator("svg.qr")).to_be_visible()

    async def accept(dialog: Dialog) -> None:
        await dialog.accept()

    page.once("dialog", accept)  # hx-confirm asks before cancelling
    await card.get_by_text("取消兑换").click()
    await expect(card.locator(".status")).to_have_text("已取消")
    await expect(badge).to_have_text("100 积分")
    assert (await Redemption.get(id=redemption.id)).status == RedemptionStatus.CANCELLED
    assert (await Reward.get(id=reward.id)).stock == 3


async def test_checking_in_updates_the_button_badge_and_history_in_place(
    page: Page, live_server: str
) -> None:
    member = await make_member(display_name="早起的邻居")
    await log_in(page, live_server, member)

    await page.goto(f"{live_server}/points")
    await expect(page.locator("#points-badge")).to_have_text("0 积分")
    await expect(page.locator("#ledger-empty")).to_be_visible()
    await page.click("#check-in button[type=submit]")

    await expect(page.locator("#check-in button")).to_have_text("今日已签到")
    await expect(page.locator("#check-in button")).to_be_disabled()
    await expect(page.locator("#points-badge")).to_have_text("2 积分")
    await expect(page.locator("#points-balance")).to_have_text("2")
    await expect(page.locator("#ledger .entry").first).to_contain_text("每日签到")
    await expect(page.locator("#ledger-empty")).to_have_count(0)
    assert await CheckIn.filter(member_id=member.id).count() == 1
