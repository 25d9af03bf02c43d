"""Programme settings in the back office: the earn rules (a form over the version in force, the
version history) and the privacy policy (publish a new version, the versions before)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.identity.models import Role
from domain.programme import queries, services
from portal.auth import collaborators, redirect
from portal.forms import settings as forms
from portal.outcomes import error_status, field_errors, logged_in, page, refusal


async def _rules_context() -> dict[str, Any]:
    history = await queries.programme_rules_history()
    current = history[0].rules
    return {
        "current": current,
        "history": history,
        "values": forms.rule_values(current),
        "errors": {},
        "saved": False,
    }


async def rules_page(request: Request) -> Response:
    """GET: the form over the version in force; POST: save the next version, or 422 with each
    field's message and the values as typed."""
    admin = await logged_in(request)
    if admin is None:
        return redirect(request, "log_in")
    if refused := refusal(request, admin, Role.ADMIN):
        return refused
    status, headers, extra = 200, dict[str, str](), dict[str, Any]()
    if request.method == "POST":
        form = await request.form()
        try:
            await services.update_programme_rules(
                collaborators(request),
                admin,
                forms.rule_changes(form),
                str(form.get("note", "")),
                forms.base_version(form),
            )
            return redirect(request, "admin_settings")
        except DomainError as error:
            status, headers = error_status(error)
            extra = {
                "message": error.message,
                "errors": field_errors(error),
                "values": forms.posted_values(form),
            }
    context = {**await _rules_context(), **extra}
    block = "rules_form" if request.method == "POST" else None
    return page(
        request, "admin/settings.html", context, block=block, status_code=status, headers=headers
    )


async def privacy_page(request: Request) -> Response:
    """GET: the policy in force and the published versions; POST: publish a new version."""
    admin = await logged_in(request)
    if admin is None:
        return redirect(request, "log_in")
    if refused := refusal(request, admin, Role.ADMIN):
        return refused
    status, headers = 200, dict[str, str]()
    extra: dict[str, Any] = {"values": {}, "errors": {}}
    if request.method == "POST":
        form = await request.form()
        try:
            await services.publish_privacy_policy(
                collaborators(request),
                admin,
                str(form.get("version", "")),
                str(form.get("body", "")),
            )
            return redirect(request, "admin_privacy")
        except DomainError as error:
            status, headers = error_status(error)
            extra = {
                "message": error.message,
                "errors": field_errors(error),
                "values": forms.posted_values(form),
            }
    built_in = collaborators(request).settings.privacy_policy_version
    context = {
        "current": await queries.current_privacy_policy(built_in),
        "versions": await queries.privacy_policy_history(),
        **extra,
    }
    block = "privacy_form" if request.method == "POST" else None
    return page(
        request, "admin/privacy.html", context, block=block, status_code=status, headers=headers
    )
