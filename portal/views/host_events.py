"""The host's event console: events they run with attendance, an event's attendees, the check-in
desk (type the code or scan its QR) and the create-event page. Hosts see and run their own groups'
events, admins every event: the same events services and policies as GraphQL."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.errors import DomainError, PermissionDeniedError
from domain.events import queries, services
from domain.events.policies import can_run_events
from domain.groups.models import InterestGroup
from domain.groups.policies import groups_hosted_by
from domain.identity.models import Member, Role
from portal.auth import collaborators, redirect
from portal.forms import events as forms
from portal.forms.rewards import form_values
from portal.outcomes import error_status, error_text, field_errors, page, refusal, signed_in
from portal.templating import render

CONSOLE_SIZE = 100


def _forbidden(request: Request) -> Response:
    return render(request, "errors/forbidden.html", status_code=403)


async def _staff(request: Request) -> Member | Response:
    member = await signed_in(request)
    if member is None:
        return redirect(request, "login")
    return refusal(request, member, Role.HOST, Role.ADMIN) or member


async def console(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    run_by = None if staff.has_role(Role.ADMIN) else staff.id
    events = await queries.events_run_by(run_by, CONSOLE_SIZE)
    context = {
        "events": events,
        "waitlists": await queries.waitlist_counts([e.id for e in events]),
        "values": {},
    }
    return page(request, "events/console.html", context)


async def attendees_page(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    event = await queries.get_event(request.path_params["event_id"])
    if event is None:
        return page(request, "errors/missing_event.html", {}, status_code=404)
    if not await can_run_events(staff, event.group):
        return _forbidden(request)
    rows = await queries.attendees(event.id)
    context = {"event": event, "rows": rows, "counts": queries.attendance(rows), "values": {}}
    return page(request, "events/attendees.html", context)


async def check_in(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    values = form_values(await request.form())
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        done = await services.check_in_attendee(
            collaborators(request), staff, values.get("checkInCode", "")
        )
        extra["checked_in"] = done
        extra["attendee"] = await Member.get(id=done.member_id)
        values = {}
    except DomainError as error:  # another group's code answers as an unknown one
        status, headers = error_status(error)
        extra["message"] = error_text(error)
    return page(
        request,
        "events/console.html",
        {"values": values, **extra},
        block="check_in",
        status_code=status,
        headers=headers,
    )


async def _groups_for(staff: Member) -> list[InterestGroup]:
    """The groups the staff member may create events for: open ones (archived take no events)."""
    open_groups = InterestGroup.filter(archived_at__isnull=True)
    if staff.has_role(Role.ADMIN):
        return await open_groups.order_by("id")
    return await open_groups.filter(groups_hosted_by(staff.id)).order_by("id")


async def new_event(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    groups = await _groups_for(staff)
    status, headers = 200, dict[str, str]()
    context: dict[str, Any] = {"groups": groups, "values": {}, "errors": {}}
    if request.method == "POST":
        form = await request.form()
        try:
            event = await services.create_event(
                collaborators(request), staff, forms.new_event(form)
            )
            return _to_event(request, event.id)
        except PermissionDeniedError:
            status = 422
            context.update(message="只能为自己主理的小组创建活动", values=form_values(form))
        except DomainError as error:
            status, headers = error_status(error)
            context.update(
                message=error.message, errors=field_errors(error), values=form_values(form)
            )
    return page(
        request, "events/new.html", context, block="form", status_code=status, headers=headers
    )


def _to_event(request: Request, event_id: int) -> Response:
    url = str(request.url_for("event", event_id=event_id).path)
    response = RedirectResponse(url, status_code=303)
    if request.headers.get("hx-request") == "true":
        response.status_code = 200
        response.headers["HX-Redirect"] = url
    return response
