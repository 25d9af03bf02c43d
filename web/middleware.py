"""HTTP middleware: request ids and access logs, security headers, and a body-size limit."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
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

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when sane), logs it on every line, and
    answers an unexpected exception itself with ``failure_response``, so the answer still
    carries the id."""

    def __init__(self, app: ASGIApp, failure_response: FailureResponse) -> None:
        self.app = app
        self.failure_response = failure_response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        outcome = _Outcome()

        async def send_with_id(message: Message) -> None:
            outcome.sent(message)
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        async def receive_watched() -> Message:
            message = await receive()
            outcome.received(message)
            return message

        try:
            await self.app(scope, receive_watched, send_with_id)
        except ClientDisconnect:
            # The client went away before its body arrived (a timeout, a closed app): nothing
            # failed on our side and there is no one to answer. Logged as nginx's 499.
            outcome.status = CLIENT_CLOSED_REQUEST
        except Exception as error:
            if scope["type"] != "http" or outcome.responded:
                raise  # a response is under way: nothing sound can be sent any more
            if as_busy(error) is not None:
                log.warning("a store is busy or away: %r", error)
            else:
                log.error("unhandled error", exc_info=error)
            response = self.failure_response(scope["path"], error, request_id)
            await response(scope, receive, send_with_id)
        finally:
            outcome.log(scope, time.perf_counter() - started)
            request_id_var.reset(token)


class _Outcome:
    """What a request came to, from the messages it exchanged. HTTP: the response status.
    WebSocket: 101 once accepted, 403 when refused before that; ``close_code`` is the code the
    session ended with (either side's)."""

    def __init__(self) -> None:
        self.status = 500
        self.close_code: int | None = None
        self.responded = False

    def sent(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status, self.responded = message["status"], True
        elif message["type"] == "websocket.accept":
            self.status = 101
        elif message["type"] == "websocket.close":
            self.close_code = message.get("code", 1000)
            if self.status != 101:
                self.status = 403

    def received(self, message: Message) -> None:
        if message["type"] == "websocket.disconnect" and self.close_code is None:
            self.close_code = message.get("code", 1005)

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


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuses GraphQL bodies over ``max_bytes`` before reading them whole (413)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, paths: tuple[str, ...] = ("/graphql",)
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted_receive, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"errors": [{"message": "请求体过大", "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]},
            status_code=413,
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
