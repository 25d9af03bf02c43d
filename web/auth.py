"""The signed-in member of a request: the portal session's token in the signed cookie, or, for a
request carrying an Authorization header, the bearer token alone."""

from __future__ import annotations

from starlette.requests import Request

from domain.collaborators import Collaborators
from domain.identity import services
from domain.identity.models import AuthToken, Member, TokenKind
from web.connection import bearer_token
from web.suspension import LOOKUP, SESSION_TOKEN_KEY, refuse_suspended_writes


async def current_member(request: Request) -> tuple[Member, AuthToken] | None:
    """The session's member; none for a request with an Authorization header."""
    if "authorization" in request.headers:
        # Such requests skip the CSRF check, so the session cookie must not count for them.
        request.state.member = None
        return None
    state = request.scope.setdefault("state", {})
    if LOOKUP in state:  # looked up already, for an unsafe request (web/suspension.py)
        found: tuple[Member, AuthToken] | None = state[LOOKUP]
    else:
        c: Collaborators = request.app.state.collaborators
        found = await services.authenticate(
            c, request.session.get(SESSION_TOKEN_KEY), TokenKind.SESSION
        )
    request.state.member = found[0] if found else None
    return found


async def request_member(request: Request) -> Member | None:
    """A request carrying an Authorization header is judged by it alone, never by the cookie;
    a suspended bearer's write is refused here (the middleware passes such requests)."""
    if "authorization" in request.headers:
        c: Collaborators = request.app.state.collaborators
        found = await services.authenticate(c, bearer_token(request), TokenKind.ACCESS)
        if found:
            refuse_suspended_writes(request, found[0])
    else:
        found = await current_member(request)
    return found[0] if found else None
