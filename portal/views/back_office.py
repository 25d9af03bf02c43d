"""The back office's home: every screen an admin runs the programme from, by area. Each area's
screens live in their own view module; this page only gathers the entrances."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.identity.models import Role
from domain.programme.first_run import getting_started
from portal.auth import redirect
from portal.outcomes import logged_in, page, refusal


async def home(request: Request) -> Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    if refused := refusal(request, actor, Role.ADMIN):
        return refused
    steps = await getting_started()  # the first-run checklist, until it is done
    return page(request, "admin/home.html", {"getting_started": None if steps.complete else steps})
