"""Private groups (铁杆粉丝群) on the portal: a member's request to join, and the hosts' page of
pending requests, invitations and removals. The same domain/groups/private.py as GraphQL; a
refusal re-renders the form's block with its Chinese message at 422."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError, InvalidInputError, NotFoundError
from domain.groups import private, queries
from domain.groups.models import InterestGroup
from domain.groups.policies import runs_group
from domain.identity.models import Member
from portal.auth import collaborators, redirect
from portal.outcomes import error_status, logged_in, page

ADMIN = "groups/private_admin.html"


async def membership_context(member: Member | None, group: InterestGroup) -> dict[str, Any]:
    """What the membership block of a private group shows: the viewer's request, if any."""
    if member is None or not group.private:
        return {"join_request": None}
    return {"join_request": await private.my_request(member.id, group.id)}


async def request_join(request: Request) -> Response:
    """Ask to join; answers the membership block (the pending request, or the refusal)."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    group_id = request.path_params["group_id"]
    form = await request.form()
    status, headers, message = 200, dict[str, str](), None
    try:
        await private.request_to_join(
            collaborators(request), member, group_id, str(form.get("message", ""))
        )
    except DomainError as error:
        (status, headers), message = error_status(error), _said(error)
    group = await queries.get_group(group_id)
    if group is None:
        return page(request, "errors/missing.html", {}, status_code=404)
    context = {
        "group": group,
        "joined": await queries.group_ids_joined(member.id, [group.id]),
        "message": message,
        **await membership_context(member, group),
    }
    return page(
        request,
        "groups/_membership.html",
        context,
        block="membership",
        status_code=status,
        headers=headers,
    )


async def _hosted(request: Request) -> tuple[Member, InterestGroup] | Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    group = await queries.get_group(request.path_params["group_id"])
    if group is None or not group.private or not await runs_group(member, group.id):
        return page(request, "errors/missing.html", {}, status_code=404)  # not yours: not there
    return member, group


async def _admin_context(group: InterestGroup, **extra: Any) -> dict[str, Any]:
    return {
        "group": group,
        "requests": await private.pending_requests(group.id),
        "members": await private.members_of(group.id),
        "host_ids": {h.id for h in (await queries.hosts_by_group_id([group.id]))[group.id]},
        "message": None,
        "invite_value": "",
        **extra,
    }


def _said(error: DomainError | None) -> str | None:
    """The message a refusal shows: an invalid field's own message, else the error's."""
    if isinstance(error, InvalidInputError) and error.field_errors:
        return error.field_errors[0].message
    return error.message if error else None


async def admin_page(request: Request) -> Response:
    """The hosts' page: pending requests, invite, members with their remove buttons."""
    found = await _hosted(request)
    if isinstance(found, Response):
        return found
    _, group = found
    return page(request, ADMIN, await _admin_context(group))


async def _answer(request: Request, group: InterestGroup, error: DomainError | None) -> Response:
    status, headers = error_status(error) if error else (200, {})
    extra: dict[str, Any] = {"message": _said(error)}
    if error is not None:
        extra["invite_value"] = str((await request.form()).get("member", ""))
    context = await _admin_context(group, **extra)
    return page(request, ADMIN, context, block="manage", status_code=status, headers=headers)


async def decide(request: Request) -> Response:
    """Approve (``/approve``) or decline (``/decline``) a pending request."""
    found = await _hosted(request)
    if isinstance(found, Response):
        return found
    actor, group = found
    approve = request.url.path.endswith("/approve")
    error: DomainError | None = None
    try:
        join_request = await private.my_request_by_id(request.path_params["request_id"])
        if join_request is None or join_request.group_id != group.id:
            raise NotFoundError()
        await private.decide_join_request(collaborators(request), actor, join_request.id, approve)
    except DomainError as caught:
        error = caught
    return await _answer(request, group, error)


async def invite(request: Request) -> Response:
    """Invite by the member's phone number or member number."""
    found = await _hosted(request)
    if isinstance(found, Response):
        return found
    actor, group = found
    form = await request.form()
    error: DomainError | None = None
    try:
        member_id = await private.find_member_to_invite(str(form.get("member", "")))
        await private.invite_member(collaborators(request), actor, group.id, member_id)
    except DomainError as caught:
        error = caught
    return await _answer(request, group, error)


async def remove(request: Request) -> Response:
    found = await _hosted(request)
    if isinstance(found, Response):
        return found
    actor, group = found
    error: DomainError | None = None
    try:
        member_id = request.path_params["member_id"]
        await private.remove_member(collaborators(request), actor, group.id, member_id)
    except DomainError as caught:
        error = caught
    return await _answer(request, group, error)
