"""/admin/playbooks: the tier playbooks with each arm's report, the form to make one (again
with the reasons when refused, nothing written) and the switch to turn one off or on."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.identity.models import Member, Role
from domain.playbooks import services
from domain.playbooks.queries import list_playbooks
from domain.segments.rfm import Tier
from portal.auth import collaborators, redirect
from portal.forms.playbooks import playbook_draft, posted_values
from portal.outcomes import error_status, field_errors, logged_in, page, refusal

DEFAULTS = {"bonusPoints": "0", "bonusExpiryDays": "14", "holdoutPercent": "10"}


async def _admin(request: Request) -> Member | Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    return refusal(request, actor, Role.ADMIN) or actor


async def _render(request: Request, status: int = 200, **extra: Any) -> Response:
    context = {
        "playbooks": await list_playbooks(),
        "tiers": [t.value for t in Tier],
        "errors": {},
        "values": DEFAULTS,
        **extra,
    }
    return page(request, "admin/playbooks.html", context, status_code=status)


async def playbooks_page(request: Request) -> Response:
    """GET: the playbooks and the form; POST: make one."""
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    if request.method == "GET":
        return await _render(request)
    form = await request.form()
    try:
        await services.create_playbook(collaborators(request), actor, playbook_draft(form))
    except DomainError as error:
        status, _ = error_status(error)
        return await _render(
            request,
            status,
            message=error.message,
            errors=field_errors(error),
            values=posted_values(form),
        )
    return redirect(request, "admin_playbooks")


async def switch(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    action = request.path_params["action"]
    if action not in ("activate", "deactivate"):
        return await _render(request, 404)
    try:
        await services.set_playbook_active(
            collaborators(request), actor, request.path_params["playbook_id"], action == "activate"
        )
    except DomainError as error:
        return await _render(request, 404, message=error.message)
    return redirect(request, "admin_playbooks")
