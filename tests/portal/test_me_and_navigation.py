"""The 我的 page and the navigation: what a resident finds there, the bottom tab bar, and the staff
links each role sees (the same in the desktop's 管理 menu and the 我的 page)."""

from __future__ import annotations

import re

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.events.services import register_for_event
from domain.identity.models import Role
from domain.rewards.services import redeem_reward
from portal import navigation
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.factories import make_estate, make_member
from tests.portal.test_points_pages import log_in
from tests.portal.test_rewards_pages import make_reward, rich_member

ALL_STAFF = {link.href for link in navigation.STAFF_LINKS}


def staff_hrefs(html: str, element_id: str) -> set[str]:
    start = html.index(f'id="{element_id}"')
    end = html.index("</nav>", start)
    return set(re.findall(r'href="([^"]+)"', html[start:end])) & ALL_STAFF


async def test_the_me_page_gathers_points_codes_events_and_settings(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    c = collaborators
    member = await rich_member(c, display_name="番茄爱好者")
    reward = await make_reward(c)
    redemption = await redeem_reward(c, member, reward.id, 1, "me-page-key-0001")
    event = await make_event(c, await make_group(await make_host()))
    registration = await register_for_event(c, member, event.id)
    await log_in(client, member)

    page = await client.get("/me")
    assert page.status_code == 200
    html = page.text
    assert '<p class="balance" id="points-balance">70</p>' in html  # 100 less the 30 spent
    assert 'id="check-in"' in html and "签到 +" in html
    redemptions = html.split('id="me-redemptions"')[1].split("</section>")[0]
    assert "有机小番茄" in redemptions and redemption.pickup_code in redemptions
    events = html.split('id="me-events"')[1].split("</section>")[0]
    assert "咖啡品鉴会" in events and str(registration.check_in_code) in events
    for href in ("/my/posts", "/invite", "/profile", "/notifications/preferences", "/me/data"):
        assert f'href="{href}"' in html
    assert 'id="me-manage"' not in html  # a resident has no staff links
    assert 'class="staff-menu' not in html
    tabbar = html.split('id="tabbar"')[1].split("</nav>")[0]
    assert re.findall(r'href="([^"]+)"', tabbar) == [
        "/",
        "/groups",
        "/share",
        "/notifications",
        "/me",
    ]
    assert re.search(r'href="/me" aria-current="page"', tabbar)


async def test_a_signed_out_visitor_gets_the_guests_tabs_and_me_asks_to_log_in(
    client: httpx.AsyncClient,
) -> None:
    home = (await client.get("/groups")).text
    tabbar = home.split('id="tabbar"')[1].split("</nav>")[0]
    assert re.findall(r'href="([^"]+)"', tabbar) == ["/", "/groups", "/events", "/login"]
    assert re.search(r'href="/groups" aria-current="page"', tabbar)
    assert (await client.get("/me")).status_code in (302, 303)


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ((Role.MODERATOR,), {"/moderation", "/admin/campaigns"}),
        (
            (Role.HOST,),
            {
                "/moderation",
                "/host/pickups",
                "/host/events",
                "/host",
                "/staff/residents",
                "/staff/estate-requests",
                "/admin/dashboard",
            },
        ),
        ((Role.ADMIN,), ALL_STAFF),
    ],
)
async def test_staff_see_only_the_links_their_role_opens(
    client: httpx.AsyncClient,
    collaborators: Collaborators,
    roles: tuple[Role, ...],
    expected: set[str],
) -> None:
    estate = await make_estate()  # a host's dashboard shows their estate
    await log_in(client, await make_member(roles=(Role.RESIDENT, *roles), estate=estate))
    html = (await client.get("/me")).text
    assert staff_hrefs(html, "me-manage") == expected
    menu = html.split('class="staff-menu')[1].split("</details>")[0]
    assert set(re.findall(r'href="([^"]+)"', menu)) == expected
    for href in expected:  # each link opens for this role
        assert (await client.get(href)).status_code == 200, href
