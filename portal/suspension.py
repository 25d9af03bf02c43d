"""How the portal answers a suspended member's write (``web/suspension.py`` decides when)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.identity.suspensions import suspended_until_text
from portal.templating import is_htmx, render
from web.suspension import SuspendedWriteRefused


async def refused(request: Request, exc: Exception) -> Response:
    """The message page (403); an htmx request gets the message in place of the page's content
    (422, which htmx swaps); the upload API its JSON error."""
    assert isinstance(exc, SuspendedWriteRefused)
    error = exc.error
    if request.url.path.startswith("/api/"):
        return JSONResponse({"code": error.code, "message": error.message}, status_code=403)
    context = {"message": error.message, "until": suspended_until_text(exc.member)}
    if is_htmx(request):
        headers = {"HX-Retarget": "main.page", "HX-Reswap": "innerHTML"}
        return render(
            request,
            "errors/suspended.html",
            context,
            block="content",
            status_code=422,
            headers=headers,
        )
    return render(request, "errors/suspended.html", context, status_code=403)


EXCEPTION_HANDLERS = {SuspendedWriteRefused: refused}
