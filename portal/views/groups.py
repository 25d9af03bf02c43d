"""兴趣小组: the list, a group's page with its feed, joining and leaving in place: the same groups
services as GraphQL."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.groups import queries, services
from domain.groups.models import InterestGroup
from domain.groups.policies import runs_group
from domain.identity.models import Member
from portal import sharing
from portal.auth import collaborators, redirect
from portal.forms import posts as forms
from portal.outcomes import error_status, logged_in, page
from portal.views.posts import feed_context
from portal.views.private_groups import membership_context

GROUPS_SIZE = 50


async def _joined(member: Member | None, groups: list[InterestGroup]) -> set[int]:
    if member is None:
        return set()
    return await queries.group_ids_joined(member.id, [g.id for g in groups])


async def groups_page(request: Request) -> Response:
    viewer = await logged_in(request)
    after = forms.after_id(request.query_params.get("after"))
    groups = await queries.groups_page(after, GROUPS_SIZE)
    shown = groups[:GROUPS_SIZE]
    context = {
        "groups": shown,
        "joined": await _joined(viewer, shown),
        "next_after": shown[-1].id if len(groups) > GROUPS_SIZE else None,
    }
    return page(request, "groups/groups.html", context)


async def group_page(request: Request) -> Response:
    viewer = await logged_in(request)
    group = await queries.get_group_by_slug(request.path_params["slug"])
    if group is None:
        return page(request, "errors/missing.html", {}, status_code=404)
    context: dict[str, Any] = await feed_context(request, viewer, group)
    hosts = (await queries.hosts_by_group_id([group.id]))[group.id]
    context.update(group=group, joined=await _joined(viewer, [group]), group_hosts=hosts)
    context.update(await membership_context(viewer, group))
    context["hosts_here"] = (
        group.private and viewer is not None and await runs_group(viewer, group.id)
    )
    context["share"] = sharing.for_group(request, group)
    return page(request, "groups/group.html", context)


async def membership(request: Request) -> Response:
    """Join or leave; answers the button and the member count, swapped in place."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    group_id = request.path_params["group_id"]
    joining = request.url.path.endswith("/join")
    status, headers, message = 200, dict[str, str](), None
    try:
        if joining:
            await services.join_group(collaborators(request), member, group_id)
        else:
            await services.leave_group(collaborators(request), member, group_id)
    except DomainError as error:
        (status, headers), message = error_status(error), error.message
    group = await queries.get_group(group_id)
    if group is None:
        return page(request, "errors/missing.html", {}, status_code=404)
    context = {"group": group, "joined": await _joined(member, [group]), "message": message}
    context.update(await membership_context(member, group))
    return page(
        request,
        "groups/_membership.html",
        context,
        block="membership",
        status_code=status,
        headers=headers,
    )
