"""Suspended members read but change nothing: every state-changing request of a suspended
member's session is refused by ``SuspendedWritesMiddleware`` before any view runs, so a view
added later is covered without a line of its own (and one that never reads the member too).
Signing out and signing in stay open. The session lookup it made is kept for
``web.auth.current_member``, so a POST costs no second lookup. How the refusal looks (a page,
a fragment, JSON) is the caller's: ``asgi.py`` hands in the portal's ``refused``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from domain.collaborators import Collaborators
from domain.identity import services
from domain.identity.errors import AccountSuspendedError
from domain.identity.models import Member, TokenKind
from domain.identity.suspensions import is_suspended

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_TOKEN_KEY = "member_session"  # noqa: S105 - a session key name, not a secret
# ``request.state`` key of the session lookup the middleware made (absent: none was made).
LOOKUP = "session_lookup"
# Paths a suspended member may still post to: signing out, those that act without a member, and
# the member's rights over their own data (a copy of it, deleting the account).
OPEN_TO_SUSPENDED = frozenset(
    {"/logout", "/login", "/register", "/register/check", "/me/data", "/me/delete"}
)

Refusal = Callable[[Request, Exception], Awaitable[Response]]


class SuspendedWriteRefused(Exception):
    """Raised before a view acts for a suspended member; answered by the app's handler."""

    def __init__(self, member: Member) -> None:
        self.error = AccountSuspendedError(member.suspended_until)
        self.member = member
        super().__init__(self.error.message)


def refuse_suspended_writes(request: Request, member: Member) -> None:
    if request.method in SAFE_METHODS or request.url.path in OPEN_TO_SUSPENDED:
        return
    if is_suspended(member, request.app.state.collaborators.clock.now()):
        raise SuspendedWriteRefused(member)


class SuspendedWritesMiddleware:
    """Refuses every unsafe request of a suspended member's session (inside the session and
    CSRF middleware) with ``refused``. ``/graphql`` has its own guard on every mutation, and a
    request with an Authorization header is judged by it alone (``web/auth.py`` checks it)."""

    def __init__(self, app: ASGIApp, refused: Refusal) -> None:
        self.app = app
        self.refused = refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or scope["path"] in OPEN_TO_SUSPENDED
            or scope["path"].startswith("/graphql")
            or any(name == b"authorization" for name, _ in scope["headers"])
        ):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        c: Collaborators = connection.app.state.collaborators
        found = await services.authenticate(
            c, connection.session.get(SESSION_TOKEN_KEY), TokenKind.SESSION
        )
        scope.setdefault("state", {})[LOOKUP] = found
        if found and is_suspended(found[0], c.clock.now()):
            request = Request(scope, receive)
            request.state.member = found[0]
            response = await self.refused(request, SuspendedWriteRefused(found[0]))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
