"""The brand's back-office page: name, logo and about text, with every version's who and when."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.identity.models import Member, Role
from domain.programme.brand import brand_history, current_brand, update_brand
from portal.auth import collaborators, redirect
from portal.forms.programme import brand_form
from portal.outcomes import error_status, field_errors, logged_in, page, refusal


async def _context(
    request: Request, values: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    brand = await current_brand(collaborators(request))
    if values is None:
        values = {"name": brand.name if brand.is_set else "", "about": brand.about}
    return {
        "current": brand,
        "values": values,
        "history": await brand_history(),
        "errors": {},
        **extra,
    }


async def _admin(request: Request) -> Member | Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    return refusal(request, actor, Role.ADMIN) or actor


async def brand_page(request: Request) -> Response:
    actor = await _admin(request)
    if not isinstance(actor, Member):
        return actor
    if request.method == "GET":
        saved = request.query_params.get("saved") == "1"
        return page(request, "admin/brand.html", await _context(request, saved=saved))
    raw = await request.form()
    values = {"name": str(raw.get("name", "")), "about": str(raw.get("about", ""))}
    try:
        form = brand_form(raw)
        await update_brand(
            collaborators(request),
            actor,
            form.name,
            form.about,
            form.logo_image_id,
            remove_logo=form.remove_logo,
        )
    except DomainError as error:
        status, headers = error_status(error)
        context = await _context(request, values, message=error.message, errors=field_errors(error))
        return page(
            request, "admin/brand.html", context, block="form", status_code=status, headers=headers
        )
    response = redirect(request, "admin_brand")
    location = "HX-Redirect" if "HX-Redirect" in response.headers else "location"
    response.headers[location] = response.headers[location] + "?saved=1"
    return response
