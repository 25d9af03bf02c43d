"""Every portal page knows the brand, and a programme without an admin shows only its setup page.

The brand comes from Redis (``domain.programme.brand.current_brand``), so pages send no more SQL
than before. While the demo is off and no admin exists, every page but the setup page redirects
there; static files, icons, media, uploads, health and GraphQL work as always (GraphQL offers no
way to become an admin). Once an admin is seen, this process never asks again."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from domain.collaborators import Collaborators
from domain.programme.brand import current_brand
from domain.programme.first_run import admin_exists

SETUP_PATH = "/setup"
UNBRANDED = ("/static/", "/healthz", "/graphql", "/api/", "/media/", "/icons/")


class FirstRunMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.has_admin = False  # an admin, once made, is not unmade by a restartless process

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(UNBRANDED):
            await self.app(scope, receive, send)
            return
        c: Collaborators = scope["app"].state.collaborators
        if path != SETUP_PATH and not c.settings.demo and not await self._has_admin():
            await _to_setup(Request(scope))(scope, receive, send)
            return
        scope.setdefault("state", {})["brand"] = await current_brand(c)
        await self.app(scope, receive, send)

    async def _has_admin(self) -> bool:
        if not self.has_admin:
            self.has_admin = await admin_exists()
        return self.has_admin


def _to_setup(request: Request) -> RedirectResponse:
    response = RedirectResponse(SETUP_PATH, status_code=303)
    if request.headers.get("hx-request") == "true":
        response.status_code = 200
        response.headers["HX-Redirect"] = SETUP_PATH
    return response
