"""How portal views answer: the signed-in member, role refusals, and domain outcomes as status
codes and messages (422 with the form re-rendered, 429 with Retry-After for rate limits)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.clock import SHANGHAI
from domain.errors import DomainError, InvalidInputError, RateLimitedError
from domain.identity.models import Member, Role
from portal.templating import render
from web.auth import current_member


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """``render`` with the Shanghai zone the templates show dates in."""
    return render(
        request,
        template,
        {"tz": SHANGHAI, **context},
        block=block,
        status_code=status_code,
        headers=headers,
    )


async def logged_in(request: Request) -> Member | None:
    found = await current_member(request)
    return found[0] if found else None


def refusal(request: Request, member: Member, *roles: Role) -> Response | None:
    """The 403 page unless ``member`` has one of ``roles`` (as GraphQL's ``require_role``)."""
    if any(member.has_role(role) for role in roles):
        return None
    return render(request, "errors/forbidden.html", status_code=403)


def error_status(error: DomainError) -> tuple[int, dict[str, str]]:
    if isinstance(error, RateLimitedError):
        return 429, {"Retry-After": str(error.retry_after_seconds)}
    return 422, {}


def field_errors(error: DomainError) -> dict[str, str]:
    if isinstance(error, InvalidInputError):
        return {e.field: e.message for e in error.field_errors}
    return {}


def error_text(error: DomainError) -> str:
    """The message and any field messages, for fragments with no field to show them next to."""
    return " ".join([error.message, *field_errors(error).values()])
