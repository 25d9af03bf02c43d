"""Honours in the portal: a member's public profile (name, avatar, estate name, badges and
published posts; never phone, purchases or tier), the member's own trust level and shown badge
on their profile, and the admins' badge list with holders and manual grants and revocations.
The same services and queries as GraphQL's honours."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.honours import queries, rules, services
from domain.identity.models import Member, Role
from portal.auth import collaborators, redirect
from portal.forms.rewards import after_id
from portal.outcomes import error_status, field_errors, logged_in, page, refusal

PROFILE = "honours/member.html"
ADMIN = "honours/admin.html"


async def _profile_context(
    request: Request, member_id: int, viewer: Member | None
) -> dict[str, Any]:
    profile = await queries.public_profile(member_id, viewer.id if viewer else None)
    context: dict[str, Any] = {"profile": profile, "catalogue": rules.CATALOGUE, "errors": {}}
    if profile is not None and viewer is not None and viewer.id == member_id:
        facts = await queries.trust_facts(viewer, collaborators(request).clock.now())
        level = rules.trust_level(facts)
        context.update(
            own=True,
            level=level,
            level_name=rules.LEVEL_NAMES[level],
            needs=rules.next_level_needs(facts),
        )
    return context


async def member_page(request: Request) -> Response:
    """Anyone's public profile; the member themself also sees their trust level."""
    viewer = await logged_in(request)
    context = await _profile_context(request, request.path_params["member_id"], viewer)
    if context["profile"] is None:
        return page(request, "errors/missing.html", {}, status_code=404)
    return page(request, PROFILE, context)


async def choose_badge(request: Request) -> Response:
    """The badge shown next to the member's name (none: an empty choice)."""
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    form = await request.form()
    code = str(form.get("code", "")).strip() or None
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    try:
        member = await services.choose_badge(collaborators(request), member, code)
        extra["done"] = True
    except DomainError as error:
        status, headers = error_status(error)
        extra["message"] = error.message
    context = {**await _profile_context(request, member.id, member), **extra}
    return page(request, PROFILE, context, block="choose", status_code=status, headers=headers)


async def _admin(request: Request) -> tuple[Member | None, Response | None]:
    actor = await logged_in(request)
    if actor is None:
        return None, redirect(request, "log_in")
    return actor, refusal(request, actor, Role.ADMIN)


async def _admin_context(**extra: Any) -> dict[str, Any]:
    return {
        "holders": await queries.holders_by_badge(),
        "catalogue": rules.CATALOGUE,
        "manual_codes": rules.MANUAL_CODES,
        "values": {},
        "errors": {},
        **extra,
    }


async def badges_page(request: Request) -> Response:
    actor, refused = await _admin(request)
    if refused or actor is None:
        return refused or redirect(request, "log_in")
    return page(request, ADMIN, await _admin_context())


async def badge_action(request: Request) -> Response:
    """POST grant or revoke a manual badge: the list again, or the form with the message."""
    actor, refused = await _admin(request)
    if refused or actor is None:
        return refused or redirect(request, "log_in")
    action = request.path_params["action"]
    if action not in ("grant", "revoke"):
        return page(request, "errors/missing.html", {}, status_code=404)
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in ("memberId", "code", "reason")}
    act = services.grant_badge if action == "grant" else services.revoke_badge
    member_id = after_id(values["memberId"]) or 0
    try:
        await act(collaborators(request), actor, member_id, values["code"], values["reason"])
    except DomainError as error:
        status, headers = error_status(error)
        extra = {"message": error.message, "errors": field_errors(error), "values": values}
        context = await _admin_context(**extra)
        return page(request, ADMIN, context, block="panel", status_code=status, headers=headers)
    return page(request, ADMIN, await _admin_context(done=action), block="panel")
