"""A neighbour joins the waitlist of a full event on a phone; when a seat holder cancels, the open
page turns into a confirmed seat with the check-in code and its QR, without a reload."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Page, expect

from domain.collaborators import Collaborators
from domain.events import services
from domain.events.models import Event, EventRegistration, RegistrationStatus
from tests.e2e.test_mall import log_in
from tests.factories import make_member

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}


async def test_a_waitlisted_neighbour_sees_the_seat_arrive_when_someone_cancels(
    page: Page, live_server: str, collaborators: Collaborators
) -> None:
    # The live server runs on the real clock: the event is three days from now, really.
    starts_at = datetime.now(UTC) + timedelta(days=3)
    event = await Event.create(
        title="咖啡品鉴会",
        description="三款单一产地豆盲品",
        created_by=await make_member(display_name="阿哲"),
        location="隅田川咖啡小区店",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=1,
        created_at=datetime.now(UTC),
    )
    holder = await make_member(display_name="先到的邻居")
    seat = await services.register_for_event(collaborators, holder, event.id)
    member = await make_member(display_name="候补的小王")
    await log_in(page, live_server, member)

    await page.goto(f"{live_server}/events/{event.id}")
    await expect(page.locator("#seats-left")).to_have_text("名额已满 · 0 人候补")
    await page.evaluate("window.linliNoReload = true")  # gone if the page reloads
    await page.click("#register-button")
    await expect(page.locator("#my-status")).to_have_text("候补中")
    await expect(page.locator("#waitlist-position")).to_have_text("候补第 1 位")
    mine = await EventRegistration.get(member_id=member.id)
    assert mine.status == RegistrationStatus.WAITLISTED

    await services.cancel_registration(collaborators, holder, seat.id)

    # The waitlisted block polls every 5 seconds; the promotion shows up on its own.
    await expect(page.locator("#my-status")).to_have_text("报名成功", timeout=15_000)
    promoted = await EventRegistration.get(id=mine.id)
    assert promoted.status == RegistrationStatus.CONFIRMED and promoted.check_in_code
    await expect(page.locator("#check-in-code")).to_have_text(promoted.check_in_code)
    await expect(page.locator("#check-in-code")).to_have_text(re.compile(r"^[2-9A-Z]{6}$"))
    await expect(page.locator("#registration svg.qr")).to_be_visible()
    await expect(page.locator("#waitlist-position")).to_have_count(0)
    assert await page.evaluate("window.linliNoReload") is True
    assert (await Event.get(id=event.id)).seats_taken == 1
