"""The first run's setup page, and the public about page the brand writes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.programme.brand import current_brand
from domain.programme.first_run import FirstRun, admin_exists, complete_setup
from portal.auth import collaborators, log_in, redirect
from portal.outcomes import error_status, field_errors, page
from web.auth import current_member
from web.connection import client_ip

FIELDS = ("setupCode", "phone", "displayName", "brandName")  # kept on a refusal (not the password)


async def setup_page(request: Request) -> Response:
    if await admin_exists():
        return redirect(request, "admin_home")  # set up already: log in like everyone else
    if request.method == "GET":
        return page(request, "setup.html", {"values": {}, "errors": {}})
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in FIELDS}
    c = collaborators(request)
    try:
        admin = await complete_setup(
            c,
            FirstRun(
                setup_code=values["setupCode"],
                phone=values["phone"],
                display_name=values["displayName"],
                password=str(form.get("password", "")),
                brand_name=values["brandName"],
            ),
            client_ip(request, c.settings.trusted_proxy_count),
        )
    except DomainError as error:
        status, headers = error_status(error)
        context = {"values": values, "errors": field_errors(error), "message": error.message}
        return page(
            request, "setup.html", context, block="form", status_code=status, headers=headers
        )
    await log_in(request, admin)
    return redirect(request, "admin_home")


async def about(request: Request) -> Response:
    """The brand's about text as plain paragraphs (blank lines part them), escaped."""
    await current_member(request)
    text = (await current_brand(collaborators(request))).about
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return page(request, "about.html", {"paragraphs": paragraphs})
