"""主理人后台: per group the members with tiers and tags (hosts add tags in place), the month's
repurchase rate and posts, the moderation queue, upcoming events and the win-back list. Hosts see
the groups they host, admins every group."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError, PermissionDeniedError
from domain.groups.models import InterestGroup
from domain.groups.policies import hosts_group
from domain.identity.models import Member, Role
from domain.identity.queries import list_interest_tags
from domain.identity.rules import mask_phone
from domain.segments import host_console as console_queries
from domain.segments.host_tags import add_member_tag, remove_member_tag
from portal.auth import collaborators, redirect
from portal.forms.rewards import after_id
from portal.outcomes import error_status, error_text, page, refusal, signed_in

TEMPLATE = "host/console.html"


async def _staff(request: Request) -> Member | Response:
    member = await signed_in(request)
    if member is None:
        return redirect(request, "login")
    return refusal(request, member, Role.HOST, Role.ADMIN) or member


async def _group(request: Request, staff: Member) -> InterestGroup | Response:
    """The group in the path when the staff member may run it; 403 otherwise (a group that does
    not exist looks the same)."""
    group = await InterestGroup.get_or_none(id=request.path_params["group_id"])
    if group is None or not (staff.has_role(Role.ADMIN) or await hosts_group(staff, group.id)):
        return page(request, "errors/forbidden.html", {}, status_code=403)
    return group


async def console(request: Request) -> Response:
    staff = await _staff(request)
    if isinstance(staff, Response):
        return staff
    c = collaborators(request)
    groups = await console_queries.console_groups(staff)
    sections = [await console_queries.group_section(c, group) for group in groups]
    context = {"sections": sections, "all_tags": await list_interest_tags(), "mask": mask_phone}
    return page(request, TEMPLATE, context)


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
