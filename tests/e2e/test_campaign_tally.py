"""Two neighbours watch one naming campaign on their phones; one votes and the other's tally bar
moves without a reload (server-sent events)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Browser, BrowserContext, ViewportSize, expect

from domain.campaigns import services
from domain.campaigns.models import CampaignEntry, CampaignKind, EntryStatus, Vote
from domain.clock import Clock
from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from tests.e2e.test_mall import log_in
from tests.factories import make_member

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


async def _phone(browser: Browser) -> BrowserContext:
    return await browser.new_context(viewport=PHONE, locale="zh-CN")


async def _seasoned(name: str) -> Member:
    member = await make_member(display_name=name)
    await Member.filter(id=member.id).update(created_at=datetime.now(UTC) - timedelta(days=5))
    return await Member.get(id=member.id)


async def test_a_vote_in_one_browser_moves_the_bar_in_the_other(
    browser: Browser, live_server: str, collaborators: Collaborators
) -> None:
    c = replace(collaborators, clock=Clock())  # the live server runs on the wall clock
    now = datetime.now(UTC)
    campaign = await services.create_campaign(
        c,
        await make_member(roles=(Role.ADMIN,)),
        services.NewCampaign(
            kind=CampaignKind.NAMING,
            title="隅田川新豆命名大赛",
            description="给单一产区新豆起个名字",
            voting_starts_at=now - timedelta(hours=1),
            voting_ends_at=now + timedelta(days=1),
        ),
    )
    proposer = await _seasoned("小林")
    entry = await CampaignEntry.create(
        campaign=campaign,
        proposer=proposer,
        title="晨雾",
        status=EntryStatus.APPROVED,
        created_at=now - timedelta(days=1),
    )
    voter_context, watcher_context = await _phone(browser), await _phone(browser)
    try:
        voting, watching = await voter_context.new_page(), await watcher_context.new_page()
        await log_in(voting, live_server, await _seasoned("投票的邻居"))
        await log_in(watching, live_server, await _seasoned("围观的邻居"))
        url = f"{live_server}/campaigns/{campaign.id}"
        await watching.goto(url)
        bar = watching.locator(f'progress[data-tally-for="{entry.id}"]')
        count = watching.locator(f'[data-count-for="{entry.id}"]')
        await expect(count).to_have_text("0")
        await watching.wait_for_timeout(300)  # the EventSource is connected
        await voting.goto(url)
        await expect(voting.locator("#votes-left")).to_contain_text("还剩 3 票")
        await voting.click(f"#entry-{entry.id} button.vote-button")
        await expect(voting.locator("#votes-left")).to_contain_text("还剩 2 票")
        await expect(count).to_have_text("1", timeout=3000)
        await expect(bar).to_have_attribute("value", "1")
    finally:
        await voter_context.close()
        await watcher_context.close()
    assert await Vote.filter(entry_id=entry.id).count() == 1
