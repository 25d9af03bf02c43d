"""The back office's interest groups: the list with the create form, a group's page (edit, hosts
with appoint / remove / make lead, archive / restore). The same services as GraphQL's createGroup
and friends; a refused change re-renders its block with the message at 422."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.errors import DomainError, FieldError
from domain.groups import admin
from domain.groups.queries import get_group_with_estate, hosts_by_group_id, list_groups_with_estates
from domain.identity.models import Member, Role
from domain.identity.queries import list_active_estates
from domain.identity.rules import mask_phone
from portal.auth import collaborators, redirect
from portal.forms import groups_admin as forms
from portal.forms.rewards import form_values
from portal.outcomes import error_status, error_text, field_errors, logged_in, page, refusal

LIST = "admin/groups.html"
GROUP = "admin/group.html"


async def _admin(request: Request) -> Member | Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    return refusal(request, actor, Role.ADMIN) or actor


async def _form_context() -> dict[str, Any]:
    return {"estates": await list_active_estates(), "mask": mask_phone, "values": {}, "errors": {}}


async def groups_page(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    if request.method == "POST":
        form = await request.form()
        try:
            errors: list[FieldError] = []
            data = forms.group_input(form, errors)
            host = await forms.member_by_phone(forms.text(form, "hostPhone"), "hostPhone", errors)
            forms.raise_if_any(errors)
            host_ids = [host.id] if host else []
            group = await admin.create_group(collaborators(request), actor, data, host_ids)
            return _to_group(request, group.id)
        except DomainError as error:
            status, headers = error_status(error)
            extra = {"message": error_text(error), "errors": field_errors(error)}
            extra["values"] = form_values(form)
    groups = await list_groups_with_estates()
    context = {
        **await _form_context(),
        "groups": groups,
        "hosts": await hosts_by_group_id([g.id for g in groups]),
        **extra,
    }
    return page(request, LIST, context, block="create", status_code=status, headers=headers)


def _to_group(request: Request, group_id: int) -> Response:
    url = str(request.url_for("admin_group", group_id=group_id).path)
    response = RedirectResponse(url, status_code=303)
    if request.headers.get("hx-request") == "true":
        response.status_code = 200
        response.headers["HX-Redirect"] = url
    return response


async def _group_context(group_id: int) -> dict[str, Any] | None:
    group = await get_group_with_estate(group_id)
    if group is None:
        return None
    values = {
        "name": group.name,
        "slug": group.slug,
        "description": group.description,
        "visibility": forms.ESTATE_ONLY if group.estate_id else "public",
        "estateId": str(group.estate_id or ""),
    }
    hosts = (await hosts_by_group_id([group.id]))[group.id]
    return {**await _form_context(), "group": group, "group_hosts": hosts, "values": values}


def _missing(request: Request) -> Response:
    return page(request, "errors/missing.html", {}, status_code=404)


async def group_page(request: Request) -> Response:
    """GET: the group's page. POST: save the edit form."""
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    group_id = request.path_params["group_id"]
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    if request.method == "POST":
        form = await request.form()
        try:
            errors: list[FieldError] = []
            data = forms.group_input(form, errors)
            forms.raise_if_any(errors)
            await admin.update_group(collaborators(request), actor, group_id, data)
            extra["saved"] = True
        except DomainError as error:
            status, headers = error_status(error)
            extra = {"message": error_text(error), "errors": field_errors(error)}
            extra["values"] = form_values(form)
    context = await _group_context(group_id)
    if context is None:
        return _missing(request)
    context.update(extra)
    return page(request, GROUP, context, block="edit", status_code=status, headers=headers)


async def hosts(request: Request) -> Response:
    """Appoint (by phone), remove or make lead: answers the hosts block."""
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    group_id, action = request.path_params["group_id"], request.path_params["action"]
    member_id: int | None = request.path_params.get("member_id")
    if (action, member_id is None) not in (("appoint", True), ("remove", False), ("lead", False)):
        return _missing(request)
    form = await request.form()
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    c = collaborators(request)
    try:
        if action == "appoint":
            errors: list[FieldError] = []
            member = await forms.member_by_phone(forms.text(form, "phone"), "phone", errors)
            forms.raise_if_any(errors)
            await admin.appoint_host(c, actor, group_id, member.id if member else 0)
        elif action == "remove":
            await admin.remove_host(c, actor, group_id, member_id or 0)
        else:
            await admin.set_lead_host(c, actor, group_id, member_id or 0)
        extra["hosts_notice"] = action
    except DomainError as error:
        status, headers = error_status(error)
        extra = {"hosts_message": error_text(error), "phone": forms.text(form, "phone")}
    context = await _group_context(group_id)
    if context is None:
        return _missing(request)
    context.update(extra)
    return page(request, GROUP, context, block="hosts", status_code=status, headers=headers)


async def archive(request: Request) -> Response:
    """Archive or restore: answers the status block."""
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    group_id = request.path_params["group_id"]
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        if request.url.path.endswith("/restore"):
            await admin.restore_group(collaborators(request), actor, group_id)
        else:
            await admin.archive_group(collaborators(request), actor, group_id)
    except DomainError as error:
        status, headers = error_status(error)
        extra["status_message"] = error_text(error)
    context = await _group_context(group_id)
    if context is None:
        return _missing(request)
    context.update(extra)
    return page(request, GROUP, context, block="status", status_code=status, headers=headers)
