"""The staff member pages: find a member, their record, and the admin actions on it (roles,
grants of ADMIN waiting for a second admin, suspension, estate). Every action calls the same
service as GraphQL; a refusal re-renders the record with the message at 422."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.collaborators import Collaborators
from domain.errors import DomainError, NotFoundError
from domain.identity import estate_changes, member_record, roles, suspensions
from domain.identity.errors import RoleGrantPendingError
from domain.identity.models import Member, Role
from domain.identity.queries import list_active_estates
from domain.identity.rules import mask_phone
from domain.identity.suspensions import is_suspended, suspended_until_text
from domain.privacy.access_log import record_reads
from domain.privacy.record_models import AccessKind
from portal.auth import collaborators, redirect
from portal.forms import members as forms
from portal.outcomes import error_status, field_errors, logged_in, page, refusal

STAFF_ROLES = (Role.ADMIN, Role.MODERATOR, Role.HOST)
STAFF_ROWS = 100


async def _admin(request: Request) -> Member | Response:
    actor = await logged_in(request)
    if actor is None:
        return redirect(request, "log_in")
    return refusal(request, actor, Role.ADMIN) or actor


async def members_page(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    term = str(request.query_params.get("q", ""))[:20]
    staff = {
        role.value: await roles.list_members_with_role(role, STAFF_ROWS) for role in STAFF_ROLES
    }
    found = await member_record.find_members(term) if term else None
    listed = [m.id for m in found or []] + [m.id for rows in staff.values() for m in rows]
    now = collaborators(request).clock.now()
    await record_reads(actor, listed, AccessKind.MEMBERS_LIST, now)
    context = {
        "mask_phone": mask_phone,
        "q": term,
        "found": found,
        "staff": staff,
        "pending": await roles.list_pending_role_grants(),
    }
    return page(request, "admin/members.html", context, block="results")


async def _record_page(
    request: Request, actor: Member, member_id: int, status: int = 200, **extra: Any
) -> Response:
    record = await member_record.get_member_record(member_id)
    if record is None:
        return page(request, "admin/member_missing.html", {}, status_code=404)
    now = collaborators(request).clock.now()
    await record_reads(actor, [member_id], AccessKind.MEMBER_PAGE, now)
    context = {
        "mask_phone": mask_phone,
        "record": record,
        "m": record.member,
        "suspended_now": is_suspended(record.member, now),
        "until": suspended_until_text(record.member),
        "estates": await list_active_estates(),
        "grantable": [role.value for role in roles.GRANTABLE],
        "errors": {},
        "values": {},
        **extra,
    }
    return page(request, "admin/member.html", context, block="record", status_code=status)


async def member_page(request: Request) -> Response:
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    return await _record_page(request, actor, request.path_params["member_id"])


Action = Callable[[Collaborators, Member, int, dict[str, str]], Awaitable[str]]


async def _act(request: Request, member_id: int, action: Action) -> Response:
    """Run one admin action on the member and show the record with its outcome."""
    actor = await _admin(request)
    if isinstance(actor, Response):
        return actor
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        notice = await action(collaborators(request), actor, member_id, values)
    except RoleGrantPendingError as waiting:
        return await _record_page(
            request, actor, member_id, 202, notice="waiting", waiting_id=waiting.request_id
        )
    except NotFoundError:
        return page(request, "admin/member_missing.html", {}, status_code=404)
    except DomainError as error:
        status, _ = error_status(error)
        errors = field_errors(error)
        return await _record_page(
            request, actor, member_id, status, message=error.message, errors=errors, values=values
        )
    return await _record_page(request, actor, member_id, notice=notice)


async def _grant(c: Collaborators, actor: Member, member_id: int, v: dict[str, str]) -> str:
    await roles.grant_role(c, actor, member_id, v.get("role", ""))
    return "granted"


async def _revoke(c: Collaborators, actor: Member, member_id: int, v: dict[str, str]) -> str:
    await roles.revoke_role(c, actor, member_id, v.get("role", ""))
    return "revoked"


async def _suspend(c: Collaborators, actor: Member, member_id: int, v: dict[str, str]) -> str:
    form = forms.suspension_values(v)
    await suspensions.suspend_member(c, actor, member_id, form.reason, form.until)
    return "suspended"


async def _lift(c: Collaborators, actor: Member, member_id: int, v: dict[str, str]) -> str:
    await suspensions.lift_suspension(c, actor, member_id)
    return "lifted"


async def _set_estate(c: Collaborators, actor: Member, member_id: int, v: dict[str, str]) -> str:
    estate_id = forms.integer_or_zero(v.get("estateId"))
    await estate_changes.set_member_estate(c, actor, member_id, estate_id)
    return "estate_set"


async def grant(request: Request) -> Response:
    return await _act(request, request.path_params["member_id"], _grant)


async def revoke(request: Request) -> Response:
    return await _act(request, request.path_params["member_id"], _revoke)


async def suspend(request: Request) -> Response:
    return await _act(request, request.path_params["member_id"], _suspend)


async def lift(request: Request) -> Response:
    return await _act(request, request.path_params["member_id"], _lift)


async def set_estate(request: Request) -> Response:
    return await _act(request, request.path_params["member_id"], _set_estate)


async def decide_grant(request: Request) -> Response:
    """Approve or decline from the member's page or the list: the member's record answers."""
    request_id = request.path_params["request_id"]
    approve = request.path_params["decision"] == "approve"
    grant_request = await roles.get_role_grant_request(request_id)
    member_id = grant_request.member_id if grant_request else 0

    async def _decide(c: Collaborators, actor: Member, _: int, v: dict[str, str]) -> str:
        if request.path_params["decision"] not in ("approve", "decline"):
            raise NotFoundError()
        await roles.decide_role_grant(c, actor, request_id, approve)
        return "approved" if approve else "declined"

    return await _act(request, member_id, _decide)
