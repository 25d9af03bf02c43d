"""A WebSocket session with the ASGI app in the test's own event loop, as httpx's ASGITransport
is for HTTP: the ORM's connections stay on the loop that opened them."""

from __future__ import annotations

import asyncio
from types import TracebackType

from starlette.types import ASGIApp, Message, Scope

TIMEOUT_SECONDS = 5.0


class WebSocketSession:
    """``async with WebSocketSession(app, "/graphql", ["graphql-transport-ws"]) as ws``: connects
    and waits for the app to accept; ``receive`` returns the ASGI messages the app sends
    (``websocket.send``, ``websocket.close``); leaving the block disconnects the client, if it
    has not closed already, and waits for the app to finish the session."""

    def __init__(
        self,
        app: ASGIApp,
        path: str,
        subprotocols: list[str],
        headers: dict[str, str] | None = None,
    ) -> None:
        self._app = app
        self._scope: Scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "scheme": "ws",
            "server": ("testserver", 80),
            "client": ("203.0.113.7", 50000),
            "root_path": "",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": [
                (b"host", b"testserver"),
                (b"sec-websocket-protocol", ", ".join(subprotocols).encode()),
                *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items()),
            ],
            "subprotocols": subprotocols,
            "state": {},
        }
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._session: asyncio.Task[None] | None = None
        self._disconnected = False

    async def __aenter__(self) -> WebSocketSession:
        self._session = asyncio.create_task(self._run())
        await self._to_app.put({"type": "websocket.connect"})
        accepted = await self.receive()
        assert accepted["type"] == "websocket.accept", accepted
        return self

    async def _run(self) -> None:
        await self._app(self._scope, self._to_app.get, self._from_app.put)

    async def send_text(self, text: str) -> None:
        await self._to_app.put({"type": "websocket.receive", "text": text})

    async def receive(self) -> Message:
        return await asyncio.wait_for(self._from_app.get(), TIMEOUT_SECONDS)

    async def ended(self) -> None:
        """Waits for the app to finish the session on its own (after it closed the socket)."""
        assert self._session is not None
        await asyncio.wait_for(asyncio.shield(self._session), TIMEOUT_SECONDS)
        self._disconnected = True

    async def close(self, code: int = 1000) -> None:
        self._disconnected = True
        await self._to_app.put({"type": "websocket.disconnect", "code": code})

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._disconnected:
            await self.close()
        assert self._session is not None
        await asyncio.wait_for(self._session, TIMEOUT_SECONDS)
