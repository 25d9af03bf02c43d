"""/admin/webhooks: register an endpoint (its secret shown once, masked after), switch it off
and on, and read each endpoint's delivery log with the response codes, sending one again."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.identity.models import Member, Role
from domain.webhooks import outbox
from domain.webhooks.delivery import disabled_endpoints
from domain.webhooks.models import EventKind
from portal.auth import collaborators, redirect
from portal.outcomes import error_status, field_errors, logged_in, page, refusal


async def _admin(request: Request) -> Member | Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    return refusal(request, actor, Role.ADMIN) or actor


def masked(secret: str) -> str:
    return secret[:10] + "…" + secret[-4:]


async def _render(request: Request, status: int = 200, **extra: Any) -> Response:
    context = {
        "endpoints": await outbox.endpoints_with_deliveries(),
        "disabled": await disabled_endpoints(),
        "kinds": [k.value for k in EventKind],
        "masked": masked,
        "errors": {},
        "values": {},
        **extra,
    }
    return page(request, "admin/webhooks.html", context, status_code=status)


async def webhooks_page(request: Request) -> Response:
    """GET: the endpoints and their logs; POST: register one (the form again with the reason
    when refused, nothing written)."""
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    if request.method == "GET":
        return await _render(request)
    form = await request.form()
    url, kinds = str(form.get("url", "")), [str(k) for k in form.getlist("kinds")]
    try:
        made = await outbox.create_endpoint(collaborators(request), actor, url, kinds)
    except DomainError as error:
        status, _ = error_status(error)
        values = {"url": url, "kinds": kinds}
        errors = field_errors(error)
        return await _render(request, status, message=error.message, errors=errors, values=values)
    return await _render(request, 201, created=made)


async def switch(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    action = request.path_params["action"]
    if action not in ("enable", "disable"):
        return await _render(request, 404)
    enabled = action == "enable"
    try:
        await outbox.set_enabled(
            collaborators(request), actor, request.path_params["endpoint_id"], enabled
        )
    except DomainError as error:
        return await _render(request, 404, message=error.message)
    return redirect(request, "admin_webhooks")


async def redeliver(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    try:
        await outbox.redeliver(collaborators(request), actor, request.path_params["delivery_id"])
    except DomainError as error:
        return await _render(request, 404, message=error.message)
    return redirect(request, "admin_webhooks")
