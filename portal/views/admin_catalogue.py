"""The back office's rewards and events after creation: edit a reward (and its picture) and
retire it; edit an event and cancel it. The same services as GraphQL: admins for rewards; the
event's hosts and admins for events. Expected outcomes re-render the form with the message at
422; a refused role gets the 403 page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.errors import DomainError, PermissionDeniedError
from domain.events import admin as events_admin
from domain.events import queries as event_queries
from domain.events.models import Event
from domain.events.policies import can_run_events
from domain.identity.models import Member, Role
from domain.media import services as media
from domain.rewards import admin as rewards_admin
from domain.rewards import queries as reward_queries
from domain.rewards.models import Reward
from portal.auth import collaborators, redirect
from portal.forms import catalogue as forms
from portal.forms.rewards import form_values
from portal.outcomes import error_status, error_text, field_errors, logged_in, page, refusal
from portal.templating import render
from web.uploads import read_file_field

REWARD_PAGE = "admin/catalogue_reward.html"
EVENT_PAGE = "admin/catalogue_event.html"
NOT_YOURS = "只能管理自己主理的小组的活动"


async def _staff(request: Request, *roles: Role) -> Member | Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    return refusal(request, member, *roles) or member


def _forbidden(request: Request) -> Response:
    return render(request, "errors/forbidden.html", status_code=403)


def _missing(request: Request) -> Response:
    return page(request, "errors/missing_event.html", {}, status_code=404)


def _go(request: Request, url: str) -> Response:
    """303 to ``url``; htmx follows an HX-Redirect instead."""
    response = RedirectResponse(url, status_code=303)
    if request.headers.get("hx-request") == "true":
        response.status_code = 200
        response.headers["HX-Redirect"] = url
    return response


def _fragment(request: Request, block: str | None) -> str | None:
    """The block for htmx; the whole page (the same messages in place) for a plain form post."""
    return block if request.headers.get("hx-request") == "true" else None


def _refused(error: DomainError, values: dict[str, str]) -> dict[str, Any]:
    """What a form re-rendered after ``error`` shows: the message, the fields' messages, and
    what was typed."""
    return {"message": error.message, "errors": field_errors(error), "values": values}


# Rewards (admins) ----------------------------------------------------------------------------


def _reward_values(reward: Reward) -> dict[str, str]:
    return {
        "name": reward.name,
        "description": reward.description,
        "costPoints": str(reward.cost_points),
        "perMemberLimit": "" if reward.per_member_limit is None else str(reward.per_member_limit),
        "availableFrom": forms.local_input(reward.available_from),
        "availableUntil": forms.local_input(reward.available_until),
    }


def _reward_page(
    request: Request,
    reward: Reward,
    block: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    context = {"reward": reward, "values": _reward_values(reward), "errors": {}, **extra}
    block = _fragment(request, block)
    return page(request, REWARD_PAGE, context, block=block, status_code=status, headers=headers)


async def _admin_and_reward(request: Request) -> tuple[Member, Reward] | Response:
    admin = await _staff(request, Role.ADMIN)
    if isinstance(admin, Response):
        return admin
    reward = await reward_queries.get_reward(request.path_params["reward_id"])
    return (admin, reward) if reward is not None else _missing(request)


async def edit_reward(request: Request) -> Response:
    found = await _admin_and_reward(request)
    if isinstance(found, Response):
        return found
    admin, reward = found
    if request.method == "GET":
        return _reward_page(request, reward)
    form = await request.form()
    try:
        changes = forms.reward_changes(form)
        reward = await rewards_admin.update_reward(
            collaborators(request), admin, reward.id, changes
        )
    except DomainError as error:
        status, headers = error_status(error)
        extra = _refused(error, form_values(form))
        return _reward_page(request, reward, "form", status, headers, **extra)
    return _reward_page(request, reward, "form", saved=True)


async def reward_picture(request: Request) -> Response:
    """A new picture: uploaded (re-encoded, metadata stripped) and set on the reward at once."""
    found = await _admin_and_reward(request)
    if isinstance(found, Response):
        return found
    admin, reward = found
    c = collaborators(request)

    async def read_file(limit: int) -> bytes:
        return await read_file_field(request, limit)

    try:
        image = await media.upload_image(c, c.images, admin, read_file)
        changes = rewards_admin.RewardChanges(image_id=image.id)
        reward = await rewards_admin.update_reward(c, admin, reward.id, changes)
    except DomainError as error:
        status, headers = error_status(error)
        message = error_text(error)
        return _reward_page(request, reward, "picture", status, headers, picture_message=message)
    return _reward_page(request, reward, "picture", picture_saved=True)


async def retire_reward(request: Request) -> Response:
    found = await _admin_and_reward(request)
    if isinstance(found, Response):
        return found
    admin, reward = found
    try:
        reward = await rewards_admin.retire_reward(collaborators(request), admin, reward.id)
    except DomainError as error:
        status, headers = error_status(error)
        extra = {"retire_message": error.message}
        return _reward_page(request, reward, "retire", status, headers, **extra)
    return _reward_page(request, reward, "retire", retired_now=True)


# Events (the event's hosts and admins) -------------------------------------------------------


def _event_values(event: Event) -> dict[str, str]:
    return {
        "title": event.title,
        "description": event.description,
        "location": event.location,
        "startsAt": forms.local_input(event.starts_at),
        "endsAt": forms.local_input(event.ends_at),
        "capacity": str(event.capacity),
    }


def _event_page(
    request: Request,
    event: Event,
    block: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    context = {
        "event": event,
        "values": _event_values(event),
        "errors": {},
        "reason": "",
        "over": event.ends_at <= collaborators(request).clock.now(),
        **extra,
    }
    block = _fragment(request, block)
    return page(request, EVENT_PAGE, context, block=block, status_code=status, headers=headers)


async def _runner_and_event(request: Request) -> tuple[Member, Event] | Response:
    """Hosts and admins (the 403 page for anyone else); then the event's own policy: a host of
    another group gets the 403 page too."""
    staff = await _staff(request, Role.HOST, Role.ADMIN)
    if isinstance(staff, Response):
        return staff
    event = await event_queries.get_event(request.path_params["event_id"])
    if event is None:
        return _missing(request)
    if not await can_run_events(staff, event.group):
        return _forbidden(request)
    return staff, event


async def edit_event(request: Request) -> Response:
    found = await _runner_and_event(request)
    if isinstance(found, Response):
        return found
    staff, event = found
    if request.method == "GET":
        return _event_page(request, event)
    form = await request.form()
    try:
        changes = forms.event_changes(form)
        event = await events_admin.update_event(collaborators(request), staff, event.id, changes)
    except PermissionDeniedError:
        return _forbidden(request)
    except DomainError as error:
        status, headers = error_status(error)
        extra = _refused(error, form_values(form))
        return _event_page(request, event, "form", status, headers, **extra)
    return _event_page(request, event, "form", saved=True)


async def cancel_event(request: Request) -> Response:
    found = await _runner_and_event(request)
    if isinstance(found, Response):
        return found
    staff, event = found
    form = await request.form()
    reason = str(form.get("reason", ""))
    if form.get("confirm") != "yes":
        message = "请勾选确认：取消后所有报名和候补都会被取消"
        return _event_page(request, event, "cancel", 422, cancel_message=message, reason=reason)
    try:
        await events_admin.cancel_event(collaborators(request), staff, event.id, reason)
    except PermissionDeniedError:
        return _forbidden(request)
    except DomainError as error:
        status, headers = error_status(error)
        extra = {"cancel_message": error_text(error), "reason": reason}
        return _event_page(request, event, "cancel", status, headers, **extra)
    return _go(request, str(request.url_for("event", event_id=event.id).path))
