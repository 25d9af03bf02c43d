"""A graphql-transport-ws socket asks who is there before every operation: a member suspended or
signed out while it is open is signed out of it at their next operation (closed 4401, nothing
runs, their subscription stops), a member suspended with a live token is refused their
mutations, and a member whose token is fine pays one token lookup per operation, as over HTTP."""

from __future__ import annotations

import functools
import json
from datetime import timedelta
from typing import Any

import pytest
from starlette.types import Message

from asgi import create_app
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.identity.suspensions import suspend_member
from domain.points.models import CheckIn, LedgerEntry
from domain.posts.models import PostLike
from tests.api.test_gateway_faults import database_unreachable
from tests.api.test_identity_api import op
from tests.api.test_points_api import statements_of, token_for
from tests.api.test_posts_api import make_post, pid
from tests.asgi_websocket import WebSocketSession
from tests.conftest import GraphQLClient
from tests.domain.test_posts import veteran
from tests.factories import make_member
from tests.stores import ON_POSTGRES

PROTOCOL = ["graphql-transport-ws"]


def socket(c: Collaborators, headers: dict[str, str] | None = None) -> WebSocketSession:
    app = create_app(c.settings, c, manage_stores=False)
    return WebSocketSession(app, "/graphql", PROTOCOL, headers)


async def message_of(ws: WebSocketSession) -> dict[str, Any]:
    sent = await ws.receive()
    assert sent["type"] == "websocket.send", sent
    decoded: dict[str, Any] = json.loads(sent["text"])
    return decoded


async def sign_in(ws: WebSocketSession, token: str | None) -> None:
    payload = {"authorization": f"Bearer {token}"} if token else {}
    await ws.send_text(json.dumps({"type": "connection_init", "payload": payload}))
    assert (await message_of(ws))["type"] == "connection_ack"


async def start(
    ws: WebSocketSession, key: str, name: str, variables: dict[str, Any] | None = None
) -> None:
    payload = {"query": op(name), "variables": variables or {}}
    await ws.send_text(json.dumps({"id": key, "type": "subscribe", "payload": payload}))


async def answer(
    ws: WebSocketSession, key: str, name: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The single result of a query or mutation (its ``next``, then its ``complete``)."""
    await start(ws, key, name, variables)
    result = await message_of(ws)
    assert (result["type"], result["id"]) == ("next", key), result
    assert await message_of(ws) == {"type": "complete", "id": key}
    payload: dict[str, Any] = result["payload"]
    return payload


async def signed_out_of(ws: WebSocketSession) -> Message:
    """The close the app sends, once the session has ended on its own."""
    closed = await ws.receive()
    await ws.ended()
    return closed


async def test_a_member_suspended_while_connected_is_signed_out_at_the_next_operation(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    resident = await make_member()
    post = await make_post(collaborators, await veteran(collaborators))
    async with socket(collaborators) as ws:
        await sign_in(ws, await token_for(collaborators, resident))
        checked = await answer(ws, "1", "CheckIn")
        assert checked["data"]["checkIn"]["__typename"] == "CheckInSuccess"
        entries = await LedgerEntry.filter(member_id=resident.id).count()
        until = clock.now() + timedelta(days=3)
        await suspend_member(collaborators, admin, resident.id, "连续刷广告", until)
        await start(ws, "2", "LikePost", {"postId": pid(post)})
        closed = await signed_out_of(ws)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4401), closed
    assert await PostLike.filter(member_id=resident.id).count() == 0
    assert await LedgerEntry.filter(member_id=resident.id).count() == entries
    assert await CheckIn.filter(member_id=resident.id).count() == 1


async def test_signing_out_elsewhere_ends_the_socket_and_its_subscription(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    resident = await make_member()
    token = await token_for(collaborators, resident)
    async with socket(collaborators) as ws:
        await sign_in(ws, token)
        await start(ws, "live", "NotificationAdded")
        assert (await message_of(ws))["type"] == "next"
        logged_out = (await gql(op("Logout"), token=token))["data"]["logout"]
        assert logged_out == {"__typename": "LogoutSuccess", "ok": True}
        await start(ws, "2", "CheckIn")
        closed = await signed_out_of(ws)  # the subscription ended with the session
    assert (closed["type"], closed["code"]) == ("websocket.close", 4401), closed
    assert await CheckIn.filter(member_id=resident.id).count() == 0
    assert await LedgerEntry.filter(member_id=resident.id).count() == 0


async def test_a_socket_signed_in_by_its_upgrade_header_is_signed_out_the_same_way(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    resident = await make_member()
    token = await token_for(collaborators, resident)
    async with socket(collaborators, {"Authorization": f"Bearer {token}"}) as ws:
        await sign_in(ws, None)
        for key in ("1", "2"):
            assert (await answer(ws, key, "Viewer"))["data"]["viewer"]["displayName"]
        await gql(op("Logout"), token=token)
        await start(ws, "3", "CheckIn")
        closed = await signed_out_of(ws)
    assert closed["code"] == 4401
    assert await CheckIn.filter(member_id=resident.id).count() == 0


async def test_a_member_suspended_with_a_live_token_is_refused_mutations_but_still_reads(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    resident = await make_member()
    async with socket(collaborators) as ws:
        await sign_in(ws, await token_for(collaborators, resident))
        assert (await answer(ws, "1", "Viewer"))["data"]["viewer"] is not None
        # Set directly: the domain's suspension would revoke the token as well.
        until = clock.now() + timedelta(days=3)
        await Member.filter(id=resident.id).update(
            suspended=True, suspended_until=until, suspension_reason="核查"
        )
        refused = await answer(ws, "2", "CheckIn")
        assert refused["errors"][0]["extensions"]["code"] == "ACCOUNT_SUSPENDED", refused
        assert (await answer(ws, "3", "Viewer"))["data"]["viewer"] is not None
    assert await CheckIn.filter(member_id=resident.id).count() == 0
    assert await LedgerEntry.filter(member_id=resident.id).count() == 0


async def test_a_member_whose_token_is_fine_keeps_working_at_one_lookup_per_operation(
    collaborators: Collaborators, gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    resident = await make_member()
    post = await make_post(collaborators, await veteran(collaborators))
    token = await token_for(collaborators, resident)
    over_http = await statements_of(caplog, lambda: gql(op("Viewer"), token=token))
    async with socket(collaborators) as ws:
        await sign_in(ws, token)
        for n in range(8):
            viewer = functools.partial(answer, ws, f"viewer-{n}", "Viewer")
            over_socket = await statements_of(caplog, viewer)
            assert over_socket == over_http  # the token lookup and the viewer, as over HTTP
        checked = await answer(ws, "check-in", "CheckIn")
        assert checked["data"]["checkIn"]["__typename"] == "CheckInSuccess"
        liked = await answer(ws, "like", "LikePost", {"postId": pid(post)})
        assert liked["data"]["likePost"]["__typename"] == "LikePostSuccess"
    assert await CheckIn.filter(member_id=resident.id).count() == 1
    assert await PostLike.filter(member_id=resident.id).count() == 1


async def test_a_signed_out_socket_looks_nothing_up_and_the_legacy_protocol_is_refused(
    collaborators: Collaborators, caplog: pytest.LogCaptureFixture
) -> None:
    async with socket(collaborators) as ws:
        await sign_in(ws, None)
        estates = await statements_of(caplog, lambda: answer(ws, "1", "Estates"))
        assert estates == 1
    app = create_app(collaborators.settings, collaborators, manage_stores=False)
    async with WebSocketSession(app, "/graphql", ["graphql-ws"]) as legacy:
        closed = await legacy.receive()
        await legacy.ended()
    assert (closed["type"], closed["code"]) == ("websocket.close", 4406), closed


async def test_a_lookup_that_fails_answers_the_operation_with_the_masked_error_and_runs_nothing(
    collaborators: Collaborators,
) -> None:
    resident = await make_member()
    async with socket(collaborators) as ws:
        await sign_in(ws, await token_for(collaborators, resident))
        async with database_unreachable():
            await start(ws, "1", "Viewer")
            refused = await message_of(ws)
        assert (refused["type"], refused["id"]) == ("error", "1"), refused
        code = "SERVICE_BUSY" if ON_POSTGRES else "INTERNAL_SERVER_ERROR"
        assert refused["payload"][0]["extensions"]["code"] == code
        # the database is back: the socket is still signed in, and the id is free again
        checked = await answer(ws, "1", "CheckIn")
        assert checked["data"]["checkIn"]["__typename"] == "CheckInSuccess"
    assert await CheckIn.filter(member_id=resident.id).count() == 1
