"""我的积分 (balance, history, check-in), the nav badge, and the admin points adjustment page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError, InvalidInputError, NotFoundError
from domain.identity.models import Member, Role
from domain.identity.queries import find_member_by_phone
from domain.identity.rules import normalise_phone
from domain.points import queries, services
from domain.points.errors import ApprovalRequiredError
from domain.programme.queries import current_programme_rules
from portal.auth import collaborators, redirect
from portal.forms import rewards as forms
from portal.outcomes import error_status, field_errors, logged_in, page, refusal

HISTORY_PAGE_SIZE = 20


async def balance_of(member_id: int) -> int:
    return (await queries.points_summary(member_id)).balance


# 我的积分 -----------------------------------------------------------------------------------


async def _points_context(request: Request, member: Member, after_id: int | None) -> dict[str, Any]:
    summary = await queries.points_summary(member.id)
    streak, done_today = await queries.check_in_state(
        member.id, collaborators(request).clock.today()
    )
    rows = await queries.ledger_page(member.id, after_id, HISTORY_PAGE_SIZE)
    rules = await current_programme_rules()
    entries = rows[:HISTORY_PAGE_SIZE]
    more = len(rows) > HISTORY_PAGE_SIZE
    return {
        "summary": summary,
        "nav_balance": summary.balance,
        "streak": streak,
        "done_today": done_today,
        "next_points": rules.check_in_points(streak + 1),
        "entries": entries,
        "first_page": after_id is None,
        "next_after": entries[-1].id if more else None,
    }


async def points_page(request: Request) -> Response:
    """The whole page; ``/points/history?after=`` answers htmx with the next rows only."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    after_id = forms.after_id(request.query_params.get("after"))
    context = await _points_context(request, member, after_id)
    block = "history_page" if request.url.path.endswith("/history") else None
    return page(request, "points/points.html", context, block=block)


async def check_in(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    try:
        result = await services.check_in(collaborators(request), member)
    except DomainError as error:
        status, headers = error_status(error)
        context = await _points_context(request, member, None)
        context["message"] = error.message
        return page(
            request,
            "points/points.html",
            context,
            block="check_in",
            status_code=status,
            headers=headers,
        )
    context = await _points_context(request, member, None)
    context["checked_in"] = result
    return page(request, "points/points.html", context, block="checked_in")


async def badge(request: Request) -> Response:
    """The nav badge, for pages whose view did not look the balance up (loaded by htmx)."""
    member = await logged_in(request)
    if member is None:
        return Response(status_code=204)
    return page(request, "points/badge.html", {"nav_balance": await balance_of(member.id)})


# Admin: adjust points, approve large adjustments ---------------------------------------------


async def _adjust_context(**extra: Any) -> dict[str, Any]:
    pending = await queries.pending_adjustments()
    return {"pending": pending, "values": {}, "errors": {}, "key": forms.new_key(), **extra}


async def adjust_page(request: Request) -> Response:
    admin = await logged_in(request)
    if admin is None:
        return redirect(request, "log_in")
    if refused := refusal(request, admin, Role.ADMIN):
        return refused
    if request.method == "GET":
        return page(request, "points/adjust.html", await _adjust_context())
    form = await request.form()
    values = forms.form_values(form)
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        member = await find_member_by_phone(normalise_phone(values.get("phone", "")))
        if member is None:
            raise InvalidInputError.single("phone", NotFoundError.message)
        entry = await services.adjust_points(
            collaborators(request),
            admin,
            member.id,
            forms.integer(values.get("amount"), invalid=0),
            values.get("reason", ""),
            values.get("idempotencyKey", ""),
        )
        extra = {"adjusted": entry, "adjusted_member": member}
    except ApprovalRequiredError as waiting:
        status, extra = 202, {"waiting": waiting}
    except DomainError as error:
        status, headers = error_status(error)
        extra = {
            "message": error.message,
            "errors": field_errors(error),
            "values": values,
            "key": values.get("idempotencyKey") or forms.new_key(),
        }
    context = await _adjust_context(**extra)
    block = "adjusted" if status < 400 else "adjust"
    return page(
        request, "points/adjust.html", context, block=block, status_code=status, headers=headers
    )


async def approve(request: Request) -> Response:
    admin = await logged_in(request)
    if admin is None:
        return redirect(request, "log_in")
    if refused := refusal(request, admin, Role.ADMIN):
        return refused
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        entry = await services.approve_adjustment(
            collaborators(request), admin, request.path_params["request_id"]
        )
        extra["approved"] = entry
    except DomainError as error:
        status, headers = error_status(error)
        extra["pending_message"] = error.message
    return page(
        request,
        "points/adjust.html",
        await _adjust_context(**extra),
        block="pending",
        status_code=status,
        headers=headers,
    )
