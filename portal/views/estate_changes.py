"""Hosts and admins: the estate change requests waiting for them, approved or declined here with
the same services as GraphQL's decideEstateChange."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.identity import estate_changes, queries
from domain.identity.models import EstateChangeRequest, Member, Role
from portal.auth import collaborators, redirect
from portal.outcomes import error_status, logged_in, page, refusal

PAGE_SIZE = estate_changes.PENDING_PAGE_MAX
DECISIONS = {"approve": True, "decline": False}


async def _context(actor: Member, **extra: Any) -> dict[str, Any]:
    rows = await estate_changes.list_pending_estate_changes(actor, None, PAGE_SIZE)
    names = {estate.id: estate.name for estate in await queries.list_estates()}
    return {"requests": rows[:PAGE_SIZE], "estate_names": names, **extra}


async def requests_page(request: Request) -> Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    if refused := refusal(request, actor, Role.HOST, Role.ADMIN):
        return refused
    return page(request, "identity/estate_requests.html", await _context(actor))


async def decide(request: Request) -> Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    if refused := refusal(request, actor, Role.HOST, Role.ADMIN):
        return refused
    approve = DECISIONS.get(request.path_params["decision"])
    if approve is None:
        return Response(status_code=404)
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        decided: EstateChangeRequest = await estate_changes.decide_estate_change(
            collaborators(request), actor, request.path_params["request_id"], approve
        )
        extra["decided"] = decided
    except DomainError as error:
        status, headers = error_status(error)
        extra["message"] = error.message
    return page(
        request,
        "identity/estate_requests.html",
        await _context(actor, **extra),
        block="requests",
        status_code=status,
        headers=headers,
    )
