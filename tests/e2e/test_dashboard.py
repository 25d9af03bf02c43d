"""An admin opens the operator dashboard on a 390 px phone: every chart is a drawn, visible SVG the
width of the screen, the page does not scroll sideways, and a screenshot is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.identity.models import Member, Role
from domain.posts.models import Post, PostKind, PostStatus
from domain.purchases.models import Purchase
from domain.segments.rfm import Tier
from tests.e2e.test_mall import log_in
from tests.factories import make_estate, make_member

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CHARTS = ("active", "repurchase", "tiers", "posts")
SHAPES = "path, circle, rect, line, polyline"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {**browser_context_args, "viewport": PHONE, "locale": "zh-CN"}


async def small_world() -> Member:
    """Two estates, a dozen members over the last year with purchases, posts in two groups and
    tiers; the live server runs on the real clock, so everything is relative to now."""
    now = datetime.now(UTC)
    estates = [await make_estate("阳光花园"), await make_estate("绿地小区")]
    admin = await make_member(display_name="运营", roles=(Role.RESIDENT, Role.ADMIN))
    tiers = list(Tier)
    members = []
    for n in range(12):
        member = await make_member(display_name=f"邻居{n}", estate=estates[n % 2])
        joined = now - timedelta(days=30 * n + 5)
        await Member.filter(id=member.id).update(
            created_at=joined, tier=tiers[n % len(tiers)].value, last_seen_at=now
        )
        members.append(member)
        for k in range(n % 4 + 1):
            when = now - timedelta(days=20 * k + n)
            await Purchase.create(
                order_id=f"e2e-{member.id}-{k}",
                member_id=member.id,
                amount_cents=3_000 + 500 * k,
                purchased_at=when,
                items=["有机蔬菜"],
                source="API",
                batch="e2e",
                created_at=when,
            )
    for g, name in enumerate(("阳台种菜小分队", "周末烘焙")):
        group = await InterestGroup.create(
            name=name, slug=f"g{g}", description=name, host=admin, created_at=now
        )
        await GroupHost.create(group=group, member=admin, appointed_at=now)
        for n, member in enumerate(members[g::2]):
            await GroupMembership.create(group=group, member=member, joined_at=now)
            when = now - timedelta(days=n + 1)
            await Post.create(
                author_id=member.id,
                group_id=group.id,
                kind=PostKind.TIP,
                title=f"{name}心得 {n}",
                body="分享一下。",
                body_html="<p>分享一下。</p>",
                excerpt="分享一下。",
                status=PostStatus.PUBLISHED,
                created_at=when,
                published_at=when,
            )
    return admin


async def test_the_dashboard_draws_every_chart_on_a_phone_without_sideways_scroll(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    admin = await small_world()
    await log_in(page, live_server, admin)
    await page.goto(f"{live_server}/admin/dashboard")
    await expect(page.locator("h1")).to_have_text("运营看板")
    await expect(page.locator(".kpi")).to_have_count(9)
    await page.screenshot(path=str(tmp_path / "dashboard-390.png"), full_page=True)
    assert (tmp_path / "dashboard-390.png").stat().st_size > 10_000

    for name in CHARTS:
        svg = page.locator(f"#chart-{name} svg.chart")
        await expect(svg).to_have_count(1)
        await svg.scroll_into_view_if_needed()
        await expect(svg).to_be_visible()
        box = await svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, (name, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
        # leather paints one background rect; a drawn chart has axes, ticks and its series.
        shapes = await svg.locator(SHAPES).count()
        assert shapes > 5, (name, shapes)
        series = await svg.locator(".series path, .series circle, .series rect").count()
        assert series > 0, name
        await expect(page.locator(f"#chart-{name} details table")).to_be_attached()

    widths = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] == PHONE["width"], widths
    # Two KPI cards a row.
    first, second, third = [await page.locator(".kpi").nth(i).bounding_box() for i in range(3)]
    assert first and second and third
    assert first["y"] == second["y"] and third["y"] > first["y"]
