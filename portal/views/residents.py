"""Hosts and admins: the residents of an estate not verified yet, each verified here with the
same service as GraphQL's attestEstateResident (a host for their own estate, an admin for the
estate they choose)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.identity import queries, verification
from domain.identity.models import Member, Role
from domain.identity.rules import mask_phone
from portal.auth import collaborators, redirect
from portal.outcomes import error_status, logged_in, page, refusal


def _asked_estate(request: Request) -> int | None:
    raw = request.query_params.get("estate", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


async def _context(actor: Member, estate_id: int | None, **extra: Any) -> dict[str, Any]:
    residents = await verification.unverified_residents(estate_id) if estate_id else []
    estates = await queries.list_estates()
    return {
        "estate_id": estate_id,
        "estates": estates if actor.has_role(Role.ADMIN) else [],
        "estate_names": {estate.id: estate.name for estate in estates},
        "residents": [(m, mask_phone(m.phone)) for m in residents],
        **extra,
    }


async def residents_page(request: Request) -> Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    if refused := refusal(request, actor, Role.HOST, Role.ADMIN):
        return refused
    estate_id = verification.attesting_estate(actor, _asked_estate(request))
    return page(request, "identity/residents.html", await _context(actor, estate_id))


async def attest(request: Request) -> Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    if refused := refusal(request, actor, Role.HOST, Role.ADMIN):
        return refused
    estate_id = verification.attesting_estate(actor, _asked_estate(request))
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        found = await verification.attest_resident(
            collaborators(request), actor, request.path_params["member_id"]
        )
        extra["verified"] = await found.member
        estate_id = estate_id or found.estate_id
    except DomainError as error:
        status, headers = error_status(error)
        extra["message"] = error.message
    return page(
        request,
        "identity/residents.html",
        await _context(actor, estate_id, **extra),
        block="residents",
        status_code=status,
        headers=headers,
    )
