"""The edge every request passes first: its id and access log line, the security headers, the
GraphQL body-size limit, the answer to an unexpected error, and a lane that takes GraphQL's HTTP
requests straight to the GraphQL app.

One layer does all of it with one wrapper around ``send``: each layer of an ASGI stack costs a
coroutine per message and the headers were rewritten once per header, about 40 µs a request
before any work was done. The portal's layers (the signed session, CSRF, the suspension guard,
the first-run redirect, Starlette's exception handlers and router) all let ``GET``/``POST
/graphql`` through unchanged (each names the path in its own exemptions, since the API
authenticates by bearer header, never by cookie), so the lane skips them; any other request to
the path, and every websocket, goes the whole way."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable

from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.stores import as_busy
from logs import request_id_var

log = logging.getLogger("linli.http")
_SANE_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")
CLIENT_CLOSED_REQUEST = 499
# (path, error, request id) -> the answer; ``asgi.py`` hands in the portal's ``failure_response``.
FailureResponse = Callable[[str, BaseException, str], Response]
GRAPHQL_PATH = "/graphql"
_LANE_METHODS = frozenset({"GET", "POST"})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Set on every HTTP response, replacing what the app set; the policy only where it set none.
_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
_CSP = b"content-security-policy"
_POLICY = CONTENT_SECURITY_POLICY.encode("latin-1")
_REPLACED = frozenset({b"x-request-id", *(name for name, _ in _SECURITY_HEADERS)})


class Edge:
    """Gives every request an id (kept from X-Request-ID when sane), logs it on every line, and
    answers an unexpected exception itself with ``failure_response``, so the answer still
    carries the id. GraphQL bodies over ``max_body_bytes`` are refused (413) before they are
    read whole. ``graphql`` is the app the lane leads to."""

    def __init__(
        self,
        app: ASGIApp,
        failure_response: FailureResponse,
        max_body_bytes: int,
        graphql: ASGIApp,
    ) -> None:
        self.app = app
        self.failure_response = failure_response
        self.max_body_bytes = max_body_bytes
        self.graphql = graphql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        outcome = _Outcome()
        raw_id = request_id.encode("latin-1")
        app, watched_receive = self._way(scope, headers, receive, outcome)

        async def send_stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome.status, outcome.responded = message["status"], True
                message["headers"] = _stamped(message.get("headers", ()), raw_id)
            elif kind == "websocket":
                outcome.sent(message)
            await send(message)

        try:
            await app(scope, watched_receive, send_stamped)
        except ClientDisconnect:
            # The client went away before its body arrived (a timeout, a closed app): nothing
            # failed on our side and there is no one to answer. Logged as nginx's 499.
            outcome.status = CLIENT_CLOSED_REQUEST
        except _TooLarge:
            if outcome.responded:
                raise
            await _too_large(scope, receive, send_stamped)
        except Exception as error:
            if kind != "http" or outcome.responded:
                raise  # a response is under way: nothing sound can be sent any more
            await self._failed(scope, receive, send_stamped, error, request_id)
        finally:
            outcome.log(scope, time.perf_counter() - started)
            request_id_var.reset(token)

    async def _failed(
        self, scope: Scope, receive: Receive, send: Send, error: Exception, request_id: str
    ) -> None:
        if as_busy(error) is not None:
            log.warning("a store is busy or away: %r", error)
        else:
            log.error("unhandled error", exc_info=error)
        response = self.failure_response(scope["path"], error, request_id)
        await response(scope, receive, send)

    def _way(
        self, scope: Scope, headers: dict[bytes, bytes], receive: Receive, outcome: _Outcome
    ) -> tuple[ASGIApp, Receive]:
        """The app a request goes to, and what it receives through."""
        if scope["type"] == "websocket":
            return self.app, outcome.watching(receive)
        if scope["path"] != GRAPHQL_PATH:
            return self.app, receive
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            return _too_large, receive
        counted = _Counted(receive, self.max_body_bytes)
        return (self.graphql if scope["method"] in _LANE_METHODS else self.app), counted


def _stamped(raw: Iterable[tuple[bytes, bytes]], request_id: bytes) -> list[tuple[bytes, bytes]]:
    """A response's headers with the request id and the security headers in place."""
    kept: list[tuple[bytes, bytes]] = []
    has_policy = False
    for name, value in raw:
        lowered = name.lower()
        if lowered in _REPLACED:
            continue
        has_policy = has_policy or lowered == _CSP
        kept.append((name, value))
    kept.append((b"x-request-id", request_id))
    kept.extend(_SECURITY_HEADERS)
    if not has_policy:
        kept.append((_CSP, _POLICY))
    return kept


class _Counted:
    """``receive`` that raises ``_TooLarge`` once the body passes ``limit`` bytes."""

    def __init__(self, receive: Receive, limit: int) -> None:
        self.receive = receive
        self.limit = limit
        self.seen = 0

    async def __call__(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit:
                raise _TooLarge()
        return message


class _TooLarge(Exception):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {"errors": [{"message": "请求体过大", "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]},
        status_code=413,
    )
    await response(scope, receive, send)


class _Outcome:
    """What a request came to, from the messages it exchanged. HTTP: the response status.
    WebSocket: 101 once accepted, 403 when refused before that; ``close_code`` is the code the
    session ended with (either side's)."""

    def __init__(self) -> None:
        self.status = 500
        self.close_code: int | None = None
        self.responded = False

    def sent(self, message: Message) -> None:
        if message["type"] == "websocket.accept":
            self.status = 101
        elif message["type"] == "websocket.close":
            self.close_code = message.get("code", 1000)
            if self.status != 101:
                self.status = 403

    def watching(self, receive: Receive) -> Receive:
        async def received() -> Message:
            message = await receive()
            if message["type"] == "websocket.disconnect" and self.close_code is None:
                self.close_code = message.get("code", 1005)
            return message

        return received

    def log(self, scope: Scope, seconds: float) -> None:
        extra: dict[str, object] = {
            "method": scope.get("method", "WS"),
            "path": scope["path"],
            "status": self.status,
            "duration_ms": round(seconds * 1000, 1),
        }
        if scope["type"] == "websocket":
            extra["close_code"] = self.close_code
        log.info("request" if scope["type"] == "http" else "websocket", extra=extra)
