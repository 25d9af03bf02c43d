"""线下活动 for members: the events list and an event's page, registering and cancelling in place
(htmx), and the check-in QR of a held seat: the same events services as GraphQL."""

from __future__ import annotations

from typing import Any

import segno
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.events import queries, services
from domain.events.models import Event, EventRegistration, RegistrationStatus
from domain.events.policies import can_run_events
from domain.identity.models import Member
from portal import sharing
from portal.auth import collaborators, redirect
from portal.outcomes import error_status, logged_in, page

LIST_SIZE = 50  # an estate runs a handful of events a month
PAST_SIZE = 6


def check_in_qr(code: str) -> Markup:
    """The check-in code as a regular QR code, inline SVG sized by CSS."""
    svg = segno.make_qr(code, error="m").svg_inline(
        omitsize=True, dark="#23261f", svgclass="qr", title=code
    )
    return Markup(svg)  # noqa: S704 - segno's own markup for a code from our alphabet


async def events_page(request: Request) -> Response:
    viewer = await logged_in(request)
    now = collaborators(request).clock.now()
    upcoming = (await queries.upcoming_events_page(now, None, LIST_SIZE))[:LIST_SIZE]
    past = await queries.past_events(now, PAST_SIZE)
    ids = [event.id for event in [*upcoming, *past]]
    context = {
        "upcoming": upcoming,
        "past": past,
        "waitlists": await queries.waitlist_counts(ids),
        "mine": await queries.registrations_of(viewer.id, ids) if viewer else {},
    }
    return page(request, "events/events.html", context)


async def _event_context(
    request: Request, event: Event, viewer: Member | None, **extra: Any
) -> dict[str, Any]:
    mine = None
    if viewer is not None:
        mine = (await queries.registrations_of(viewer.id, [event.id])).get(event.id)
    registration = mine.registration if mine else None
    now = collaborators(request).clock.now()
    return {
        "event": event,
        "waitlist": (await queries.waitlist_counts([event.id])).get(event.id, 0),
        "registration": registration,
        "position": mine.waitlist_position if mine else None,
        "qr": _qr_for(registration),
        "open": now < event.starts_at,
        "may_run": viewer is not None and await can_run_events(viewer, event.group),
        **extra,
    }


def _qr_for(registration: EventRegistration | None) -> Markup | None:
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return None
    return check_in_qr(registration.check_in_code or "")


async def event_page(request: Request) -> Response:
    viewer = await logged_in(request)
    event = await queries.get_event(request.path_params["event_id"])
    if event is None:
        return page(request, "errors/missing_event.html", {}, status_code=404)
    context = await _event_context(request, event, viewer, share=sharing.for_event(request, event))
    # htmx polls the registration block: a waitlisted member sees a promotion without a reload.
    return page(request, "events/event.html", context, block="registration")


async def register(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    event_id = request.path_params["event_id"]
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        await services.register_for_event(collaborators(request), member, event_id)
        extra["done"] = "registered"
    except DomainError as error:
        status, headers = error_status(error)
        extra["message"] = error.message
    return await _answer(request, member, event_id, status, headers, extra)


async def cancel(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    registration_id = request.path_params["registration_id"]
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    event_id: int | None = None
    try:
        cancelled = await services.cancel_registration(
            collaborators(request), member, registration_id
        )
        event_id, extra["done"] = cancelled.event_id, "cancelled"
    except DomainError as error:
        status, headers = error_status(error)
        extra["message"] = error.message
        mine = await queries.get_own_registration(registration_id, member.id)
        event_id = mine.event_id if mine else None
    if event_id is None:
        return page(request, "errors/missing_event.html", {}, status_code=404)
    return await _answer(request, member, event_id, status, headers, extra)


async def _answer(
    request: Request,
    member: Member,
    event_id: int,
    status: int,
    headers: dict[str, str],
    extra: dict[str, Any],
) -> Response:
    event = await queries.get_event(event_id)
    if event is None:
        return page(request, "errors/missing_event.html", {}, status_code=404)
    context = await _event_context(request, event, member, **extra)
    return page(
        request,
        "events/event.html",
        context,
        block="registration",
        status_code=status,
        headers=headers,
    )
