"""我的会员等级 on the points page: the member's own tier, what would move them up, and the
quarterly NPS question. Only the signed-in member's own data is read."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.identity.models import Member
from domain.segments.errors import NpsAlreadyAnsweredError
from domain.segments.nps import may_answer, submit_nps
from domain.segments.standing import member_standing
from portal.auth import collaborators, redirect
from portal.outcomes import error_status, error_text, logged_in, page

TEMPLATE = "points/standing.html"


async def _context(request: Request, member: Member) -> dict[str, Any]:
    c = collaborators(request)
    return {
        "standing": await member_standing(c, member),
        "may_answer": await may_answer(c, member),
        "values": {},
    }


async def standing(request: Request) -> Response:
    """The block (htmx loads it into the points page) or, without htmx, a page of its own."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    return page(request, TEMPLATE, await _context(request, member), block="standing")


def _score(raw: object) -> int:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and len(text) <= 2 else -1


async def answer_nps(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    form = await request.form()
    comment = str(form.get("comment", ""))
    try:
        await submit_nps(collaborators(request), member, _score(form.get("score")), comment)
    except DomainError as error:
        status, headers = error_status(error)
        context = {
            "may_answer": not isinstance(error, NpsAlreadyAnsweredError),
            "message": error_text(error),
            "values": {"score": str(form.get("score", "")), "comment": comment},
        }
        return page(request, TEMPLATE, context, block="nps", status_code=status, headers=headers)
    return page(request, TEMPLATE, {"thanked": True}, block="nps")
