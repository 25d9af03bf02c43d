"""Register, log in, log out, profile: the same identity services as GraphQL."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.clock import SHANGHAI
from domain.errors import DomainError, InvalidInputError
from domain.identity import estate_changes, queries, services, verification
from domain.identity.rules import mask_phone
from domain.privacy import consent
from domain.programme.queries import (
    current_privacy_policy,
    privacy_policy_history,
    privacy_policy_of,
)
from portal import auth, sharing
from portal.auth import collaborators, redirect
from portal.forms import identity as forms
from portal.outcomes import error_status, error_text
from portal.templating import render
from web.auth import current_member
from web.connection import client_ip


def _ip(request: Request) -> str:
    return client_ip(request, collaborators(request).settings.trusted_proxy_count)


def _error_context(error: DomainError) -> dict[str, object]:
    if isinstance(error, InvalidInputError):
        return {
            "errors": {e.field: e.message for e in error.field_errors},
            "message": error.message,
        }
    return {"errors": {}, "message": error.message}


async def register_page(request: Request) -> Response:
    await current_member(request)
    estates = await queries.list_active_estates()  # archived ones take no new members
    context: dict[str, Any] = {"estates": estates, "values": {}, "errors": {}}
    if request.method == "GET":
        invite = request.query_params.get("invite", "")
        context["values"] = {"inviteCode": invite}
        # The invite link pasted into a chat shows the invite page's card.
        code = invite if invite.isalnum() and len(invite) <= 16 else ""
        context["share"] = sharing.for_invite(request, sharing.invite_url(request, code))
        return render(request, "identity/register.html", context)
    form = await request.form()
    try:
        member = await services.register_member(
            collaborators(request), forms.registration(form), _ip(request)
        )
    except DomainError as error:
        status, headers = error_status(error)
        context.update(values=forms.form_values(form), **_error_context(error))
        return render(
            request,
            "identity/register.html",
            context,
            block="form",
            status_code=status,
            headers=headers,
        )
    await auth.log_in(request, member)
    return redirect(request, "profile")


async def register_check(request: Request) -> Response:
    """Inline validation of one field (htmx, on change)."""
    field = request.query_params.get("field", "")
    if field not in forms.REGISTER_FIELDS:
        return Response(status_code=400)
    form = await request.form()
    message = await forms.check_registration_field(field, form)
    return render(request, "identity/field_message.html", {"field": field, "message": message})


async def log_in_page(request: Request) -> Response:
    await current_member(request)
    if request.method == "GET":
        return render(request, "identity/log_in.html", {"values": {}, "errors": {}})
    form = await request.form()
    try:
        member = await services.log_in(
            collaborators(request),
            str(form.get("phone", "")),
            str(form.get("password", "")),
            _ip(request),
        )
    except DomainError as error:
        status, headers = error_status(error)
        context = {"values": forms.form_values(form), **_error_context(error)}
        return render(
            request,
            "identity/log_in.html",
            context,
            block="form",
            status_code=status,
            headers=headers,
        )
    c = collaborators(request)
    if await consent.policy_to_accept(c, member) is not None:
        at = c.clock.now().timestamp()
        request.session[CONSENT_PENDING] = {"member": member.id, "at": at}
        return redirect(request, "log_in_consent")
    await auth.log_in(request, member)
    return redirect(request, "home")


async def log_out(request: Request) -> Response:
    await auth.log_out(request)
    return redirect(request, "home")


async def profile_page(request: Request) -> Response:
    found = await current_member(request)
    if found is None:
        return redirect(request, "log_in")
    member = found[0]
    status, headers = 200, dict[str, str]()
    extra: dict[str, Any] = {"errors": {}, "saved": False}
    if request.method == "POST":
        form = await request.form()
        try:
            member = await services.update_profile(
                collaborators(request), member, forms.profile_changes(form)
            )
            extra["saved"] = True
        except DomainError as error:
            status, headers = error_status(error)
            extra.update(_error_context(error), values=forms.form_values(form))
    tags = await queries.interest_tags_by_member_id([member.id])
    estates = await queries.list_estates()
    context = {
        "member": member,
        "phone_masked": mask_phone(member.phone),
        # Active estates to choose from, and the member's own even when archived (they keep it).
        "estates": [e for e in estates if not e.archived or e.id == member.estate_id],
        "estate_names": {estate.id: estate.name for estate in estates},
        "pending_change": await estate_changes.pending_estate_change(member.id),
        "tz": SHANGHAI,
        "verification": (
            await verification.find_verification(member.id, member.estate_id)
            if member.estate_id
            else None
        ),
        "all_tags": await queries.tags_to_choose(tags.get(member.id, [])),
        "chosen_tag_ids": {tag.id for tag in tags.get(member.id, [])},
        **extra,
    }
    return render(
        request, "identity/profile.html", context, block="form", status_code=status, headers=headers
    )


async def profile_check(request: Request) -> Response:
    if await current_member(request) is None:
        return Response(status_code=401)
    form = await request.form()
    message = await forms.check_registration_field("displayName", form)
    return render(
        request, "identity/field_message.html", {"field": "displayName", "message": message}
    )


async def privacy(request: Request) -> Response:
    """The policy in force, or the version asked for (``/privacy/v/{version}``), with the list
    of every version and when it was published."""
    await current_member(request)
    built_in = collaborators(request).settings.privacy_policy_version
    current = await current_privacy_policy(built_in)
    asked = request.path_params.get("version")
    policy = current if asked is None else await privacy_policy_of(str(asked), built_in)
    if policy is None:
        return render(request, "errors/missing.html", status_code=404)
    context = {
        "tz": SHANGHAI,
        "version": policy.version,
        "policy": policy,
        "current": current.version,
        "versions": await privacy_policy_history(),
        "built_in": built_in,
    }
    return render(request, "privacy.html", context)


CONSENT_PENDING = "consent_pending"
CONSENT_WINDOW_SECONDS = 600


def _pending_consent(request: Request) -> int | None:
    """The member whose sign-in waits for their consent to the new policy (for ten minutes)."""
    pending = request.session.get(CONSENT_PENDING)
    if not isinstance(pending, dict):
        return None
    now = collaborators(request).clock.now().timestamp()
    if not 0 <= now - float(pending.get("at", 0)) <= CONSENT_WINDOW_SECONDS:
        request.session.pop(CONSENT_PENDING, None)
        return None
    return int(pending["member"])


async def consent_page(request: Request) -> Response:
    """A new policy version since the member last accepted one: the sign-in completes only
    once they accept it; declining leaves them signed out."""
    member_id = _pending_consent(request)
    if member_id is None:
        return redirect(request, "log_in")
    c = collaborators(request)
    policy = await current_privacy_policy(c.settings.privacy_policy_version)
    context: dict[str, Any] = {"policy": policy, "message": None}
    if request.method == "GET":
        return render(request, "identity/consent.html", context)
    form = await request.form()
    if form.get("decision") != "accept":
        request.session.pop(CONSENT_PENDING, None)
        context = {"values": {}, "errors": {}, "declined": True}
        return render(request, "identity/log_in.html", context)
    try:
        member = await consent.accept_policy(c, member_id, str(form.get("version", "")))
    except DomainError as error:
        status, headers = error_status(error)
        context["message"] = error_text(error)
        return render(
            request, "identity/consent.html", context, status_code=status, headers=headers
        )
    request.session.pop(CONSENT_PENDING, None)
    if member is None:
        return redirect(request, "log_in")
    await auth.log_in(request, member)
    return redirect(request, "home")
