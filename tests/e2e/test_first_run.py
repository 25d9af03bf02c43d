"""Going live without the demo, on a phone: from an empty database the setup page makes the first
admin with the server's one-time code; the admin creates an estate with a pickup point and a group
with its host; a new resident registers in that estate, joins the group and posts; the host sees
the post in their console."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.identity.models import Estate, Member, PickupPoint, Role
from domain.posts.models import Post
from domain.programme.models import BrandProfile
from tests.e2e.conftest import log_out, serve

pytestmark = pytest.mark.browser

SETUP_CODE = re.compile(r"[A-HJ-NP-Z2-9]{4}(?:-[A-HJ-NP-Z2-9]{4}){3}")
PASSWORD = "neighbour-2026"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}


@pytest.fixture
def fresh_server(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server started without the demo (``LINLI_DEMO=0``) on the (empty) test database."""
    with serve(database_url, tmp_path, LINLI_DEMO="0") as url:
        yield url, tmp_path / "server.log"


async def log_in(page: Page, url: str, phone: str) -> None:
    await page.goto(f"{url}/login")
    await page.fill("#f-phone", phone)
    await page.fill("#f-password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    # The first admin was made by the setup, not by registering: at their first sign-in they
    # accept the privacy policy in force before the session starts.
    await expect(page.locator("#tabbar a[href='/me'], #consent")).to_be_visible()
    if await page.locator("#consent").count():
        await page.click("#consent button[value=accept]")
    await expect(page.locator("#tabbar a[href='/me']")).to_be_visible()


async def register(page: Page, url: str, phone: str, name: str, estate: Estate) -> None:
    await page.goto(f"{url}/register")
    await page.fill("#f-phone", phone)
    await page.fill("#f-password", PASSWORD)
    await page.fill("#f-displayName", name)
    await page.select_option("#f-estateId", str(estate.id))
    await page.check("input[name=acceptPrivacyPolicy]")
    await page.click("#register-form button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/profile$"))


async def test_an_operator_puts_linli_into_service_from_an_empty_database(
    page: Page, fresh_server: tuple[str, Path]
) -> None:
    url, log = fresh_server
    code = SETUP_CODE.search(log.read_text())
    assert code, log.read_text()[-2000:]

    # 1. Every page leads to the setup page until the first admin exists.
    await page.goto(url)
    await expect(page).to_have_url(re.compile(r"/setup$"))
    await page.fill("#f-setupCode", code.group(0))
    await page.fill("#f-brandName", "青禾邻里")
    await page.fill("#f-phone", "13900000001")
    await page.fill("#f-displayName", "运营小周")
    await page.fill("#f-password", PASSWORD)
    await page.click("#setup-form button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/admin$"))
    await expect(page.locator("#getting-started")).to_be_visible()
    await expect(page.locator("header")).to_contain_text("青禾邻里")
    admin = await Member.get(phone="13900000001")
    assert admin.has_role(Role.ADMIN) and (await BrandProfile.get()).name == "青禾邻里"

    # 2. The first estate, with its pickup point.
    await page.goto(f"{url}/admin/estates")
    await page.fill("#f-name", "翠湖花园")
    await page.fill("#f-city", "上海")
    await page.fill("#f-district", "浦东新区")
    await page.fill("[id='f-pickupPoints.0.name']", "东门自提点")
    await page.fill("[id='f-pickupPoints.0.address']", "东门岗亭旁")
    await page.fill("[id='f-pickupPoints.0.openingHours']", "每天 9:00–21:00")
    await page.click("#create-estate-form button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/admin/estates/\d+$"))
    estate = await Estate.get(name="翠湖花园")
    point = await PickupPoint.get(estate_id=estate.id)
    assert (point.name, point.opening_hours) == ("东门自提点", "每天 9:00–21:00")
    await log_out(page)

    # 3. The future host registers as a resident of the estate; the admin makes the group with
    #    them as its host.
    await register(page, url, "13900000002", "阳台老陈", estate)
    await log_out(page)
    await log_in(page, url, "13900000001")
    await page.goto(f"{url}/admin/groups")
    await page.fill("#f-name", "阳台种菜")
    await page.fill("#f-slug", "balcony-garden")
    await page.fill("#f-description", "在阳台种番茄、香草和小葱，交流经验。")
    await page.fill("#f-hostPhone", "13900000002")
    await page.click("#create-group-form button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/admin/groups/\d+$"))
    group = await InterestGroup.get(slug="balcony-garden")
    host = await Member.get(phone="13900000002")
    assert await GroupHost.exists(group_id=group.id, member_id=host.id)
    await log_out(page)

    # 4. A new resident registers in the estate, joins the group and posts in it.
    await register(page, url, "13900000003", "番茄阿姨", estate)
    await page.goto(f"{url}/groups/balcony-garden")
    await page.get_by_role("button", name="加入小组").click()
    await expect(page.get_by_role("button", name="退出小组")).to_be_visible()
    resident = await Member.get(phone="13900000003")
    assert await GroupMembership.exists(group_id=group.id, member_id=resident.id)
    await page.goto(f"{url}/share")
    await page.select_option("#f-kind", "TIP")
    await page.fill("#f-title", "阳台番茄怎么搭架")
    await page.fill("#f-body", "用三根竹竿搭成三角，绑绳子牵引，结果多又不倒。")
    await page.select_option("#f-groupId", str(group.id))
    await page.get_by_role("button", name="提交", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/my/posts"))
    post = await Post.get(author_id=resident.id)
    assert post.group_id == group.id
    await log_out(page)

    # 5. The host sees the post in their console at once.
    await log_in(page, url, "13900000002")
    await page.goto(f"{url}/host")
    await expect(page.locator(f"#host-posts-{group.id}")).to_contain_text("阳台番茄怎么搭架")
    await expect(page.locator(f"#host-posts-{group.id}")).to_contain_text("番茄阿姨")
