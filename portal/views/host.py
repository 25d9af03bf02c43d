"""主理人后台, the host's desk: per group the members with tiers and tags (hosts add tags in
place), the month's figures, the moderation queue, upcoming events and the win-back list; the
event console (events they run with attendance, an event's attendees, the check-in desk and the
create-event page); and the pickup desk where rewards are handed over against their code.

Hosts see and run the groups they host, admins every group (``domain.groups.policies.runs_group``,
the rule GraphQL's event mutations go through too); anyone else gets the 403 page. The same
services as GraphQL; expected outcomes re-render their fragment with the message."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.errors import DomainError, PermissionDeniedError
from domain.events import queries as event_queries
from domain.events import services as events
from domain.events.policies import can_run_events
from domain.groups.models import InterestGroup
from domain.groups.queries import groups_run_by
from domain.identity.models import Member, Role
from domain.identity.queries import get_member, list_interest_tags
from domain.identity.rules import mask_phone
from domain.rewards import services as rewards
from domain.segments import host_console as console_queries
from domain.segments.host_tags import add_member_tag, remove_member_tag
from portal.auth import collaborators, redirect
from portal.forms import events as event_forms
from portal.forms.rewards import after_id, form_values
from portal.outcomes import error_status, error_text, field_errors, logged_in, page, refusal
from portal.templating import render

EVENTS_SHOWN = 100


async def _staff(request: Request) -> Member | Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    return refusal(request, member, Role.HOST, Role.ADMIN) or member


def _forbidden(request: Request) -> Response:
    return render(request, "errors/forbidden.html", status_code=403)


# The groups' console -------------------------------------------------------------------------


async def _group(request: Request, staff: Member) -> InterestGroup | Response:
    """The group in the path when the staff member runs it; 403 otherwise (a group that does
    not exist looks the same)."""
    group = await console_queries.console_group(staff, request.path_params["group_id"])
    return group if group is not None else _forbidden(request)


async def console(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    c = collaborators(request)
    groups = await console_queries.console_groups(staff)
    sections = [await console_queries.group_section(c, group) for group in groups]
    context = {
        "sections": sections,
        "attributed": await console_queries.attributed_this_month(c, groups),
        "all_tags": await list_interest_tags(),
        "mask": mask_phone,
    }
    return page(request, "host/console.html", context)


async def members_page(request: Request) -> Response:
    """The next page of a group's members (the "load more" button)."""
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    group = await _group(request, staff)
    if isinstance(group, Response):
        return group
    after = after_id(request.query_params.get("after"))
    rows = await console_queries.member_rows(group.id, after)
    size = console_queries.MEMBERS_PAGE
    context = {
        "group": group,
        "rows": rows[:size],
        "next_after": rows[size - 1].membership_id if len(rows) > size else None,
        "all_tags": await list_interest_tags(),
        "mask": mask_phone,
    }
    return page(request, "host/_member_rows.html", context)


async def member_tags(request: Request) -> Response:
    """Add (``/tags``) or take off (``/tags/<id>/remove``) a tag; answers with the member's row."""
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    group = await _group(request, staff)
    if isinstance(group, Response):
        return group
    member_id = request.path_params["member_id"]
    form = await request.form()
    removing = "tag_id" in request.path_params
    raw = request.path_params["tag_id"] if removing else form.get("tagId", "")
    tag_id = after_id(str(raw)) or 0
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        if removing:
            await remove_member_tag(staff, member_id, tag_id)
        else:
            await add_member_tag(collaborators(request), staff, member_id, tag_id)
    except PermissionDeniedError as error:
        return page(request, "host/_refused.html", {"message": error.message}, status_code=403)
    except DomainError as error:
        status, headers = error_status(error)
        extra["message"] = error_text(error)
    row = await console_queries.member_row(group.id, member_id)
    if row is None:
        return page(
            request, "host/_refused.html", {"message": "这位邻居不在这个小组"}, status_code=404
        )
    context = {"group": group, "row": row, "all_tags": await list_interest_tags(), **extra}
    return page(
        request,
        "host/_member_row.html",
        {"mask": mask_phone, **context},
        status_code=status,
        headers=headers,
    )


# Events: the console, attendees, check-in and a new event ------------------------------------


async def events_page(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    run_by = None if staff.has_role(Role.ADMIN) else staff.id
    shown = await event_queries.events_run_by(run_by, EVENTS_SHOWN)
    context = {
        "events": shown,
        "waitlists": await event_queries.waitlist_counts([e.id for e in shown]),
        "values": {},
    }
    return page(request, "host/events.html", context)


async def attendees_page(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    event = await event_queries.get_event(request.path_params["event_id"])
    if event is None:
        return page(request, "errors/missing_event.html", {}, status_code=404)
    if not await can_run_events(staff, event.group):
        return _forbidden(request)
    rows = await event_queries.attendees(event.id)
    context = {
        "event": event,
        "rows": rows,
        "counts": event_queries.attendance(rows),
        "values": {},
    }
    return page(request, "host/attendees.html", context)


async def check_in(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    values = form_values(await request.form())
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        done = await events.check_in_attendee(
            collaborators(request), staff, values.get("checkInCode", "")
        )
        extra["checked_in"] = done
        extra["attendee"] = await get_member(done.member_id)
        values = {}
    except DomainError as error:  # another group's code answers as an unknown one
        status, headers = error_status(error)
        extra["message"] = error_text(error)
    return page(
        request,
        "host/events.html",
        {"values": values, **extra},
        block="check_in",
        status_code=status,
        headers=headers,
    )


async def new_event(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    # The groups the staff member may create events for: open ones (archived take no events).
    groups = await groups_run_by(staff, open_only=True)
    status, headers = 200, dict[str, str]()
    context: dict[str, Any] = {"groups": groups, "values": {}, "errors": {}}
    if request.method == "POST":
        form = await request.form()
        try:
            event = await events.create_event(
                collaborators(request), staff, event_forms.new_event(form)
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
        request, "host/new_event.html", context, block="form", status_code=status, headers=headers
    )


def _to_event(request: Request, event_id: int) -> Response:
    url = str(request.url_for("event", event_id=event_id).path)
    response = RedirectResponse(url, status_code=303)
    if request.headers.get("hx-request") == "true":
        response.status_code = 200
        response.headers["HX-Redirect"] = url
    return response


# The pickup desk: hand a reward over against its pickup code ----------------------------------


async def pickups(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    if request.method == "GET":
        return page(request, "host/pickups.html", {"values": {}})
    values = form_values(await request.form())
    try:
        redemption = await rewards.fulfil_redemption(
            collaborators(request), staff, values.get("pickupCode", "")
        )
    except DomainError as error:
        status, headers = error_status(error)
        return page(
            request,
            "host/pickups.html",
            {"values": values, "message": error_text(error)},
            block="pickup",
            status_code=status,
            headers=headers,
        )
    context = {
        "values": {},
        "fulfilled": redemption,
        "fulfilled_member": await get_member(redemption.member_id),
    }
    return page(request, "host/pickups.html", context, block="pickup")
