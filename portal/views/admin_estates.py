"""The back office's estates: the list with a create form (/admin/estates) and one estate's page
(/admin/estates/{id}) with its details, pickup points and archive/restore behind a confirmation.
The same services as GraphQL (domain/identity/estates.py); a refusal re-renders its block at 422."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.errors import DomainError
from domain.identity import estates, queries
from domain.identity.models import Estate, Member, Role
from portal.auth import collaborators, redirect
from portal.forms import estates as forms
from portal.outcomes import error_status, field_errors, logged_in, page, refusal

ESTATE_PAGE = "admin/estate.html"
ACTIONS = {"archive": estates.archive_estate, "restore": estates.restore_estate}


async def _admin(request: Request) -> Member | Response:
    """The signed-in admin, or the answer for anyone else (log in, or 403)."""
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    return refusal(request, actor, Role.ADMIN) or actor


def _to_estate(request: Request, estate_id: int) -> Response:
    """After creating: the new estate's page (htmx follows HX-Redirect, a browser the 303)."""
    url = str(request.url_for("admin_estate", estate_id=estate_id).path)
    response = RedirectResponse(url, status_code=303)
    if request.headers.get("hx-request") == "true":
        response.status_code = 200
        response.headers["HX-Redirect"] = url
    return response


def _refused(error: DomainError, form_values: dict[str, str]) -> dict[str, Any]:
    return {"message": error.message, "errors": field_errors(error), "values": form_values}


async def estates_page(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    if request.method == "POST":
        form = await request.form()
        try:
            estate = await estates.create_estate(
                collaborators(request),
                admin,
                forms.estate_input(form),
                forms.first_pickup_points(form),
            )
            return _to_estate(request, estate.id)
        except DomainError as error:
            status, headers = error_status(error)
            extra = _refused(error, forms.form_values(form))
    context = {
        "estates": await queries.list_estates_with_pickup_points(),
        "values": {},
        "errors": {},
        **extra,
    }
    return page(
        request,
        "admin/estates.html",
        context,
        block="create",
        status_code=status,
        headers=headers,
    )


async def _estate_context(estate: Estate, **extra: Any) -> dict[str, Any]:
    points = (await queries.pickup_points_by_estate_id([estate.id]))[estate.id]
    return {
        "estate": estate,
        "points": points,
        "values": {},
        "errors": {},
        "new_values": {},
        "new_errors": {},
        **extra,
    }


async def _estate_or_404(request: Request) -> Estate | Response:
    estate = await queries.get_estate(request.path_params["estate_id"])
    if estate is None:
        return page(request, "errors/missing.html", {}, status_code=404)
    return estate


async def estate_page(request: Request) -> Response:
    """GET: the page. POST: save the details (the details block)."""
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    found = await _estate_or_404(request)
    if isinstance(found, Response):
        return found
    if request.method == "GET":
        return page(request, ESTATE_PAGE, await _estate_context(found))
    form = await request.form()
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        found = await estates.update_estate(
            collaborators(request), admin, found.id, forms.estate_input(form)
        )
        extra["saved"] = True
    except DomainError as error:
        status, headers = error_status(error)
        extra = _refused(error, forms.form_values(form))
    context = await _estate_context(found, **extra)
    return page(request, ESTATE_PAGE, context, block="details", status_code=status, headers=headers)


async def estate_status(request: Request) -> Response:
    """GET: the confirmation of archive/restore. POST: do it (the status block)."""
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    action = ACTIONS.get(request.path_params["action"])
    found = await _estate_or_404(request)
    if isinstance(found, Response):
        return found
    if action is None:
        return Response(status_code=404)
    if request.method == "GET":
        context = await _estate_context(found, confirming=request.path_params["action"])
        return page(request, ESTATE_PAGE, context, block="status")
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        found = await action(collaborators(request), admin, found.id)
        extra["status_changed"] = True
    except DomainError as error:
        status, headers = error_status(error)
        extra["status_message"] = error.message
    context = await _estate_context(found, **extra)
    return page(request, ESTATE_PAGE, context, block="status", status_code=status, headers=headers)


async def add_point(request: Request) -> Response:
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    found = await _estate_or_404(request)
    if isinstance(found, Response):
        return found
    form = await request.form()
    extra: dict[str, Any] = {}
    try:
        point = await estates.add_pickup_point(
            collaborators(request), admin, found.id, forms.pickup_point_input(form)
        )
        extra["focus"], extra["point_message"] = point.id, "added"
    except DomainError as error:
        status, headers = error_status(error)
        extra = {
            "new_message": error.message,
            "new_errors": field_errors(error),
            "new_values": forms.form_values(form),
        }
        context = await _estate_context(found, **extra)
        return page(
            request, ESTATE_PAGE, context, block="points", status_code=status, headers=headers
        )
    return page(request, ESTATE_PAGE, await _estate_context(found, **extra), block="points")


async def change_point(request: Request) -> Response:
    """POST /admin/pickup-points/{id}: save its details; .../archive: archive it."""
    admin = await _admin(request)
    if isinstance(admin, Response):
        return admin
    point = await queries.get_pickup_point(request.path_params["point_id"])
    if point is None:
        return page(request, "errors/missing.html", {}, status_code=404)
    archive = request.url.path.endswith("/archive")
    form = await request.form()
    status, headers, extra = 200, dict[str, str](), dict[str, Any]({"focus": point.id})
    try:
        if archive:
            await estates.archive_pickup_point(collaborators(request), admin, point.id)
        else:
            data = forms.pickup_point_input(form)
            await estates.update_pickup_point(collaborators(request), admin, point.id, data)
        extra["point_message"] = "archived" if archive else "saved"
    except DomainError as error:
        status, headers = error_status(error)
        extra.update(_refused(error, forms.form_values(form)))
    estate = await queries.get_estate(point.estate_id)
    if estate is None:  # a point always has its estate (the foreign key)
        return page(request, "errors/missing.html", {}, status_code=404)
    context = await _estate_context(estate, **extra)
    return page(request, ESTATE_PAGE, context, block="points", status_code=status, headers=headers)
