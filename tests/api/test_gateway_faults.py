"""Faults at the edge: the database unreachable (the client's connections closed and pointed at
a port nobody listens on, or a folder that does not exist), and WebSocket sessions, which go out
as text frames and are logged with what happened."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.types import Message
from tortoise.connection import get_connection

from asgi import create_app
from domain.collaborators import Collaborators
from domain.groups.models import GroupMembership
from tests.api.test_groups_api import token_for
from tests.asgi_websocket import WebSocketSession
from tests.domain.test_groups import make_group
from tests.factories import make_member
from tests.stores import ON_POSTGRES
from web.ids import encode_id


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: connecting to it is refused


@asynccontextmanager
async def database_unreachable() -> AsyncIterator[None]:
    """PostgreSQL: the pool closed and pointed at a port nobody listens on, so every connect is
    refused. SQLite: the client's connection closed under it, so every statement fails (a
    failed SQLite connect would leak tortoise's connection lock; see the report)."""
    client: Any = get_connection("default")
    if hasattr(client, "filename"):
        await client.execute_query("SELECT 1")  # make sure a connection exists
        await client._connection.close()
        try:
            yield
        finally:
            client._connection = None  # the next statement connects again
        return
    kept = client.port
    await client.close()
    client.port = _dead_port()
    try:
        yield
    finally:
        await client.close()
        client.port = kept


VIEWER = "query { viewer { id displayName } }"
JOIN = "mutation($id: ID!) { joinGroup(input: { groupId: $id }) { __typename } }"


async def test_a_signed_in_request_while_the_database_is_down_gets_the_masked_error_with_its_id(
    client: httpx.AsyncClient, collaborators: Collaborators, caplog: pytest.LogCaptureFixture
) -> None:
    member = await make_member()
    token = await token_for(collaborators, member)
    group = await make_group(collaborators, await make_member())

    headers = {"Authorization": f"Bearer {token}", "X-Request-ID": "outage-check-0001"}
    async with database_unreachable():
        down = await client.post(
            "/graphql",
            json={"query": JOIN, "variables": {"id": encode_id("InterestGroup", group.id)}},
            headers=headers,
        )
        page = await client.get("/", headers={"X-Request-ID": "outage-check-0002"})
    assert down.status_code == 200 and down.headers["content-type"].startswith("application/json")
    assert down.headers["x-request-id"] == "outage-check-0001"
    # PostgreSQL refuses the connection: a store away is SERVICE_BUSY, retryable, with the id
    # (a 503 page on the portal). SQLite's file closed under the client is no store outage: the
    # masked error and a 500 page.
    if ON_POSTGRES:
        expected = {"code": "SERVICE_BUSY", "retryable": True, "requestId": "outage-check-0001"}
        message, page_status = "服务繁忙，请稍后重试", 503
    else:
        expected = {"code": "INTERNAL_SERVER_ERROR", "requestId": "outage-check-0001"}
        message, page_status = "Unexpected error.", 500
    assert down.json() == {"data": None, "errors": [{"message": message, "extensions": expected}]}
    assert page.status_code == page_status
    assert page.headers["x-request-id"] == "outage-check-0002"
    assert "outage-check-0002" in page.text and page.headers["content-type"].startswith("text/html")
    # the database is back: the same request is served, and did nothing while it was away
    assert await GroupMembership.filter(member_id=member.id).count() == 0
    back = await client.post(
        "/graphql",
        json={"query": JOIN, "variables": {"id": encode_id("InterestGroup", group.id)}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert back.json()["data"]["joinGroup"]["__typename"] == "JoinGroupSuccess", back.text
    assert await GroupMembership.filter(member_id=member.id).count() == 1
    assert (await client.get("/")).status_code == 200


def websocket_sessions(caplog: pytest.LogCaptureFixture) -> list[tuple[int, int]]:
    """(status, close code) of each WebSocket session the access log recorded."""
    return [
        (r.__dict__["status"], r.__dict__["close_code"])
        for r in caplog.records
        if r.name == "linli.http" and r.getMessage() == "websocket"
    ]


async def test_websocket_messages_are_text_frames_and_the_session_is_logged_with_its_close_code(
    collaborators: Collaborators, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(collaborators.settings, collaborators, manage_stores=False)
    caplog.set_level(logging.INFO, logger="linli.http")
    async with WebSocketSession(app, "/graphql", ["graphql-transport-ws"]) as ws:
        await ws.send_text('{"type": "connection_init"}')
        ack = await ws.receive()
        assert json.loads(ack["text"])["type"] == "connection_ack" and ack.get("bytes") is None
        await ws.send_text('{"type": "ping"}')
        pong = await ws.receive()
        assert "text" in pong and pong.get("bytes") is None
        await ws.close(1000)
    assert websocket_sessions(caplog) == [(101, 1000)]


async def test_a_refused_websocket_session_is_logged_as_refused_not_as_a_500(
    collaborators: Collaborators, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(collaborators.settings, collaborators, manage_stores=False)
    caplog.set_level(logging.INFO, logger="linli.http")
    async with WebSocketSession(app, "/graphql", ["graphql-transport-ws"]) as ws:
        await ws.send_text(
            '{"type": "connection_init", "payload": {"authorization": "Bearer nope"}}'
        )
        closed = await ws.receive()
        assert closed["type"] == "websocket.close" and closed["code"] == 4403
    assert websocket_sessions(caplog) == [(101, 4403)]


async def test_a_client_gone_before_its_body_arrived_is_logged_as_499_not_as_an_error(
    collaborators: Collaborators, caplog: pytest.LogCaptureFixture
) -> None:
    """A mini-program closed mid-upload is not our failure: no ERROR line, no answer sent."""
    app = create_app(collaborators.settings, collaborators, manage_stores=False)
    caplog.set_level(logging.INFO, logger="linli.http")
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"test"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 5000),
        "server": ("test", 80),
        "state": {},
    }
    await app(scope, receive, send)
    assert sent == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    (access,) = [
        r for r in caplog.records if r.name == "linli.http" and r.getMessage() == "request"
    ]
    assert access.__dict__["status"] == 499
