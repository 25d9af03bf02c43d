"""Session-token CSRF protection for whatever the session cookie authenticates: portal forms and
uploads made with the cookie.

The token lives in the signed session; pages put it in ``hx-headers`` on ``<body>`` (htmx sends it
as ``X-CSRF-Token``) and in a hidden ``csrf_token`` field of plain forms. Unsafe methods without a
matching token get 403. ``/graphql`` authenticates by bearer header, never by cookie, so it needs
no token, nor does a request that authenticates with a bearer header; WeChat's message push
(``/api/wechat/events``) carries no cookie and is signed by WeChat; websockets pass through."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qs

from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
EXEMPT_PATHS = ("/graphql", "/api/wechat/events")
MAX_FORM_BYTES = 256 * 1024
SESSION_KEY = "csrf_token"


def csrf_token(connection: HTTPConnection) -> str:
    """The session's token, created on first use."""
    token = connection.session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        connection.session[SESSION_KEY] = token
    return str(token)


class CsrfMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or scope["path"].startswith(EXEMPT_PATHS)
            or _bearer_authenticated(scope)
        ):
            await self.app(scope, receive, send)
            return
        expected = HTTPConnection(scope).session.get(SESSION_KEY)
        headers = dict(scope["headers"])
        offered = headers.get(b"x-csrf-token", b"").decode("latin-1")
        replay: list[Message] = []
        if not offered and headers.get(b"content-type", b"").startswith(
            b"application/x-www-form-urlencoded"
        ):
            body, replay = await _read_body(receive)
            if body is None:
                await PlainTextResponse("请求体过大", status_code=413)(scope, receive, send)
                return
            values = parse_qs(body.decode("utf-8", "replace")).get(SESSION_KEY, [""])
            offered = values[0]
        if not expected or not offered or not hmac.compare_digest(str(expected), offered):
            await PlainTextResponse("页面已过期，请刷新后重试", status_code=403)(
                scope, receive, send
            )
            return
        await self.app(scope, _replaying(replay, receive) if replay else receive, send)


def _bearer_authenticated(scope: Scope) -> bool:
    """A request that authenticates with a bearer header (the mini-program) carries no cookie
    authority: a browser cannot add that header cross-site without a CORS preflight we never
    grant, and the handlers then ignore the session cookie."""
    authorization: bytes = dict(scope["headers"]).get(b"authorization", b"")
    return authorization[:7].lower() == b"bearer "


async def _read_body(receive: Receive) -> tuple[bytes | None, list[Message]]:
    messages: list[Message] = []
    body = b""
    while True:
        message = await receive()
        messages.append(message)
        body += message.get("body", b"")
        if len(body) > MAX_FORM_BYTES:
            return None, messages
        if message["type"] != "http.request" or not message.get("more_body", False):
            return body, messages


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    queue = list(messages)

    async def replay() -> Message:
        if queue:
            return queue.pop(0)
        return await receive()

    return replay
