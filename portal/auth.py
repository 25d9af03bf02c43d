"""The portal session: a revocable session token in the signed cookie, started and ended here
(``web/auth.py`` reads it)."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse

from domain.collaborators import Collaborators
from domain.identity import services
from domain.identity.models import Member
from web.auth import current_member
from web.csrf import SESSION_KEY as CSRF_KEY
from web.suspension import LOOKUP, SESSION_TOKEN_KEY


def collaborators(request: Request) -> Collaborators:
    c: Collaborators = request.app.state.collaborators
    return c


async def log_in(request: Request, member: Member) -> None:
    """Start a session, and rotate the CSRF token so a pre-login token is worthless."""
    raw = await services.start_portal_session(collaborators(request), member)
    request.session[SESSION_TOKEN_KEY] = raw
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)
    request.state.member = member
    request.scope.setdefault("state", {}).pop(LOOKUP, None)


async def log_out(request: Request) -> None:
    found = await current_member(request)
    if found:
        await services.log_out(collaborators(request), found[1])
    request.session.clear()
    request.state.member = None
    request.scope.setdefault("state", {}).pop(LOOKUP, None)


def redirect(request: Request, name: str) -> RedirectResponse:
    """A redirect that htmx follows as a full navigation (HX-Redirect) and a browser as a 303."""
    url = str(request.url_for(name).path)
    response = RedirectResponse(url, status_code=303)
    if request.headers.get("hx-request") == "true":
        response.status_code = 200
        response.headers["HX-Redirect"] = url
    return response
