"""Suspended members read but change nothing: every state-changing request of theirs is refused
where the portal learns who is asking (``portal.auth.current_member``), so a view added later is
covered without a line of its own. Signing out and signing in stay open."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.identity.errors import AccountSuspendedError
from domain.identity.models import Member
from domain.identity.suspensions import is_suspended, suspended_until_text
from portal.templating import is_htmx, render

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Paths a suspended member may still post to: signing out, and those that act without a member.
OPEN_TO_SUSPENDED = frozenset({"/logout", "/login", "/register", "/register/check"})


class SuspendedWriteRefused(Exception):
    """Raised before a view acts for a suspended member; answered by ``refused``."""

    def __init__(self, member: Member) -> None:
        self.error = AccountSuspendedError(member.suspended_until)
        self.member = member
        super().__init__(self.error.message)


def refuse_suspended_writes(request: Request, member: Member) -> None:
    if request.method in SAFE_METHODS or request.url.path in OPEN_TO_SUSPENDED:
        return
    if is_suspended(member, request.app.state.collaborators.clock.now()):
        raise SuspendedWriteRefused(member)


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
            request, "suspended.html", context, block="content", status_code=422, headers=headers
        )
    return render(request, "suspended.html", context, status_code=403)


EXCEPTION_HANDLERS = {SuspendedWriteRefused: refused}
