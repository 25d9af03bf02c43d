"""Suspension is enforced on every portal write path: every POST route of ``portal_routes()`` (read
from the routes, so one added later is walked too) is sent by a signed-in suspended member and
refused with the message page before the view acts, changing nothing in any table; only the
exempt paths go through. A suspension also ends the member's portal session and bearer tokens at
once, and once it lapses the member writes again."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest_asyncio
from starlette.routing import Route

from asgi import create_app
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity import services as identity
from domain.identity.models import Member, Role
from domain.identity.suspensions import suspend_member
from portal.routes import portal_routes
from tests.api.test_identity_api import op
from tests.conftest import GraphQLClient
from tests.factories import make_estate, make_member
from tests.portal.test_points_pages import htmx, log_in
from tests.suspension_walk import differences, table_contents

EXEMPT = {"/logout", "/login", "/register", "/register/check", "/me/data", "/me/delete"}
REFUSAL = "账号已被暂停"


@pytest_asyncio.fixture
async def browsers(collaborators: Collaborators) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Two browsers (two cookie jars) on one app."""
    app = create_app(collaborators.settings, collaborators, manage_stores=False)
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(f"203.0.113.{n}", 50000)),
            base_url="http://testserver",
        )
        for n in (21, 22)
    ]
    yield clients
    for client in clients:
        await client.aclose()


def post_routes() -> list[Route]:
    routes = [r for r in portal_routes() if isinstance(r, Route) and "POST" in (r.methods or ())]
    # The exempt ones go last: signing out ends the session the others are sent with.
    return sorted(routes, key=lambda r: r.path in EXEMPT)


def concrete(path: str) -> str:
    """The route's path with every parameter filled: ids of 1, words a view would take."""
    path = re.sub(r"\{[a-z_]+:int\}", "1", path)
    return re.sub(r"\{[a-z_]+(:str)?\}", "approve", path)


async def suspended_pair(collaborators: Collaborators) -> tuple[Member, Member]:
    """A host-and-moderator suspended by an admin, and the admin flagged directly (the domain
    never suspends an admin): the strongest actor, so a view the refusal missed shows."""
    estate = await make_estate()
    admin = await make_member(estate=estate, roles=(Role.RESIDENT, Role.ADMIN))
    staff = await make_member(estate=estate, roles=(Role.RESIDENT, Role.HOST, Role.MODERATOR))
    until = collaborators.clock.now() + timedelta(days=2)
    await suspend_member(collaborators, admin, staff.id, "连续刷广告", until)
    await Member.filter(id=admin.id).update(
        suspended=True, suspended_until=until, suspension_reason="核查"
    )
    return staff, admin


async def test_every_portal_post_route_is_refused_to_a_suspended_member_and_changes_nothing(
    browsers: list[httpx.AsyncClient], collaborators: Collaborators
) -> None:
    members = await suspended_pair(collaborators)
    sessions = [(b, await log_in(b, m)) for b, m in zip(browsers, members, strict=True)]
    routes = post_routes()
    assert len(routes) >= 44
    went_through: set[str] = set()
    for route in routes:
        for browser, csrf in sessions:
            before = await table_contents()
            data: dict[str, Any] = {"csrf_token": csrf, "reason": "核对", "role": "HOST"}
            response = await browser.post(concrete(route.path), data=data)
            if REFUSAL not in response.text:
                went_through.add(route.path)
                continue
            assert response.status_code == 403, (route.path, response.status_code)
            changed = differences(before, await table_contents())
            assert not changed, f"{route.path} was refused but changed {changed}"
    assert went_through == EXEMPT


async def test_an_htmx_request_of_a_suspended_member_gets_the_message_in_place_of_the_page(
    browsers: list[httpx.AsyncClient], collaborators: Collaborators
) -> None:
    staff, _ = await suspended_pair(collaborators)
    csrf = await log_in(browsers[0], staff)
    response = await browsers[0].post("/points/check-in", headers=htmx(csrf))
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "main.page"
    assert REFUSAL in response.text and "<html" not in response.text
    assert "2026-11-23 10:00" in response.text  # the end, in Shanghai time


async def test_suspending_ends_the_portal_session_and_the_bearer_token_at_once(
    browsers: list[httpx.AsyncClient], collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    member = await make_member(display_name="小王")
    browser = browsers[0]
    await log_in(browser, member)
    token = (await identity.issue_api_tokens(collaborators, member)).access_token
    gql = GraphQLClient(browser)
    assert (await gql(op("Viewer"), token=token))["data"]["viewer"]["id"]
    assert "小王" in (await browser.get("/profile")).text

    until = collaborators.clock.now() + timedelta(days=1)
    await suspend_member(collaborators, admin, member.id, "刷广告", until)

    profile = await browser.get("/profile")
    assert profile.status_code == 303 and profile.headers["location"].endswith("/login")
    signed_out = await gql(op("Viewer"), token=token)
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_suspended_member_still_reads_and_writes_again_once_the_suspension_lapses(
    browsers: list[httpx.AsyncClient], collaborators: Collaborators, clock: FrozenClock
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    member = await make_member()
    await suspend_member(
        collaborators, admin, member.id, "刷广告", clock.now() + timedelta(hours=1)
    )
    browser = browsers[0]
    csrf = await log_in(browser, member)
    assert (await browser.get("/points")).status_code == 200
    refused = await browser.post("/points/check-in", data={"csrf_token": csrf})
    assert refused.status_code == 403 and REFUSAL in refused.text
    clock.advance(hours=1)
    allowed = await browser.post("/points/check-in", data={"csrf_token": csrf})
    assert REFUSAL not in allowed.text and allowed.status_code < 400
    assert await member.ledger_entries.all().count() == 1  # type: ignore[attr-defined]
